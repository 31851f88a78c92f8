package org.sealpost.client;

/**
 * A message the server accepted for every device of its recipient: the single tick.
 *
 * @param id the message id, which later receipts refer to
 * @param to the recipient's number
 * @param sentAt this device's clock when the message was composed, ms since the epoch
 * @param serverTimestamp when the server stored it, ms since the epoch
 * @param isDuplicate true when the server had already accepted this id (a retried send)
 */
public record SentMessage(MessageId id, String to, long sentAt, long serverTimestamp, boolean isDuplicate) {}
