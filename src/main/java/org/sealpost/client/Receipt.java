package org.sealpost.client;

import java.util.List;

/**
 * A tick for messages this account sent: the recipient's device got them (double tick) or
 * showed them (read).
 *
 * @param kind which tick
 * @param by the account whose device received or read the messages
 * @param byDevice that device
 * @param messageIds the messages the tick is for
 * @param timestamp when the receipt was made, ms since the epoch
 */
public record Receipt(Kind kind, String by, int byDevice, List<MessageId> messageIds, long timestamp) {

  public enum Kind { DELIVERED, READ }

  public Receipt {
    messageIds = List.copyOf(messageIds);
  }
}
