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

  /**
   * A server-made group event (members added or removed, admins, settings, metadata), in the order
   * of the device's queue; {@code event.getRevision()} orders events of one group.
   */
  default void onGroupEvent(org.sealpost.protocol.GroupEvent event) {
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
   * A number subscribed with {@link SealpostClient#subscribePresence} changed state (only what its
   * privacy settings let this account see). Keep the one with the latest server timestamp.
   */
  default void onPresence(Presence presence) {
  }

  /** Someone is typing to this account (or stopped); never queued, so only while connected. */
  default void onTyping(Typing typing) {
  }

  /** A call signal or a call's end (see {@link CallEvent.Kind}); the SDK carries signalling, not media. */
  default void onCall(CallEvent event) {
  }

  /**
   * The key log shows something about this account's keys, or the server showed a log that does
   * not add up ({@link KeyLogAlert.Kind}); raised by the periodic audit and by heads in messages.
   */
  default void onKeyLogAlert(KeyLogAlert alert) {
  }

  /**
   * The connection closed; call {@link SealpostClient#connect()} again to resume. A client
   * connected with {@link SealpostClient#connect(java.util.List)} reconnects by itself.
   */
  default void onDisconnected() {
  }
}
