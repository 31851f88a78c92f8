package org.sealpost.client;

import java.util.function.Supplier;
import org.sealpost.protocol.SignedTreeHead;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares the key-log head a contact's message carried with this device's view: it must be
 * signed by the pinned key and consistent with this device's latest head. A server that shows two
 * people different logs (to hand one of them a key the other never sees) is caught the first time
 * they message each other. Runs beside the message, never failing or delaying it; a failure is a
 * {@link KeyLogAlert.Kind#SPLIT_VIEW} alert. Used on the client's context.
 */
final class SplitViewCheck {
  private static final Logger log = LoggerFactory.getLogger(SplitViewCheck.class);

  private final KeyLogHeads heads;
  private final Supplier<ClientListener> listener;
  private final String self;

  SplitViewCheck(KeyLogHeads heads, Supplier<ClientListener> listener, String self) {
    this.heads = heads;
    this.listener = listener;
    this.self = self;
  }

  /**
   * Checks {@code head}, from {@code sender}'s message, in the background. A proof or signature
   * that fails, or a server refusing the proof ({@link KeyLogHeads} makes that a
   * {@link KeyTransparencyException}), raises the alert; a server that cannot be reached or is
   * busy only logs, since it shows nothing about the log.
   */
  void check(String sender, int senderDevice, SignedTreeHead head) {
    heads.advance(head).onFailure(error -> {
      if (error instanceof KeyTransparencyException) {
        String message = "the key log head " + sender + " (device " + senderDevice + ") sent, of size "
            + head.getSize() + ", does not match this device's view: " + error.getMessage();
        log.warn("{} - {}", self, message);
        listener.get().onKeyLogAlert(new KeyLogAlert(KeyLogAlert.Kind.SPLIT_VIEW, sender, senderDevice, "", message));
      } else {
        log.info("{} - could not check the key log head {} sent: {}", self, Redact.number(sender), error.toString());
      }
    });
  }
}
