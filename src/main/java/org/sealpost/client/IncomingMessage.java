package org.sealpost.client;

import java.util.List;
import java.util.Optional;
import org.sealpost.client.proto.AttachmentPointer;

/**
 * A decrypted message handed to the application.
 *
 * @param sender the account that sent it (this device's own number for a sent transcript)
 * @param senderDevice the sending device
 * @param id the sender's message id; a redelivery of the same (sender, id) is never handed over twice
 * @param text the message text
 * @param sentAt the sender's clock when it was composed, ms since the epoch
 * @param serverTimestamp when the server accepted it, ms since the epoch
 * @param sentTo set on a sent transcript: another device of this account sent the message to
 *     this number, and this is that device's copy
 * @param group set on a group message: the group's id
 * @param attachments files sent with the message (then {@code text} is their caption); save one
 *     with {@link SealpostClient#saveAttachment}
 */
public record IncomingMessage(String sender, int senderDevice, MessageId id, String text, long sentAt,
    long serverTimestamp, Optional<String> sentTo, Optional<String> group, List<AttachmentPointer> attachments) {

  public IncomingMessage {
    attachments = attachments == null ? List.of() : List.copyOf(attachments);
  }

  /** True for the copy of a message this account's other device sent. */
  public boolean isSentTranscript() {
    return sentTo.isPresent();
  }

  /** The conversation: the group of a group message, else the sender, or for a transcript the recipient. */
  public String conversation() {
    return group.orElse(sentTo.orElse(sender));
  }

  public boolean isGroupMessage() {
    return group.isPresent();
  }
}
