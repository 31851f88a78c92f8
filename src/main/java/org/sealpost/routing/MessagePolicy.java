package org.sealpost.routing;

import io.vertx.core.Future;

/**
 * Who may message whom, decided by accounts' own choices (blocking, read receipt settings);
 * implemented by the privacy feature, consulted by {@link MessagesService}.
 */
public interface MessagePolicy {
  /** Everyone may message everyone; read receipts always flow. */
  MessagePolicy OPEN = new MessagePolicy() {
    @Override
    public Future<Void> checkSend(String sender, String destination) {
      return Future.succeededFuture();
    }

    @Override
    public Future<Boolean> readReceiptsAllowed(String reader, String sender) {
      return Future.succeededFuture(true);
    }
  };

  /** Fails with {@code ErrorCode.BLOCKED} when {@code destination} blocked {@code sender}. */
  Future<Void> checkSend(String sender, String destination);

  /** Whether {@code reader} reading {@code sender}'s messages gives {@code sender} blue ticks. */
  Future<Boolean> readReceiptsAllowed(String reader, String sender);
}
