package org.sealpost.client;

import io.vertx.core.Future;

/**
 * What a connected {@link SealpostClient} tells the application. Callbacks run on the client's
 * Vert.x context, one at a time and in the order the server delivered; they must not block.
 */
public interface ClientListener {

  /**
   * A decrypted message. The server keeps its copy until the returned future succeeds, so
   * complete it once the message is safely recorded or shown; a failed future leaves it queued
   * and the same message (never a second copy) comes back on the next connection.
   */
  default Future<Void> onMessage(IncomingMessage message) {
    return Future.succeededFuture();
  }

  /** A delivery or read tick for messages this account sent. */
  default void onReceipt(Receipt receipt) {
  }

  /**
   * {@code number} presented a new identity key: its safety number changed. Sending to it is
   * refused and its messages are held until {@link SealpostClient#trust(String)}.
   */
  default void onIdentityChanged(String number) {
  }

  /** A message could never be decrypted (corrupt, or for a session this device no longer has); it was dropped. */
  default void onUndecryptable(String sender, int senderDevice, MessageId id) {
  }

  /** Every message queued while this device was away has been handed over; live traffic follows. */
  default void onQueueEmpty() {
  }

  /**
   * The connection closed; call {@link SealpostClient#connect()} again to resume. A client
   * connected with {@link SealpostClient#connect(java.util.List)} reconnects by itself.
   */
  default void onDisconnected() {
  }
}
