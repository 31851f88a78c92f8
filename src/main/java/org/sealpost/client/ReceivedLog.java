package org.sealpost.client;

import com.google.protobuf.InvalidProtocolBufferException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.sealpost.client.proto.ReceivedMessage;

/**
 * What this device did with each message it received, by (source, message id), so that the
 * server's at-least-once delivery shows every message exactly once:
 *
 * <ul>
 *   <li>decrypted, not yet accepted by the application: the plaintext is kept, written before
 *       the session that decrypted it moves on, so a redelivery hands the same message over
 *       again (the ratchet could not decrypt it twice);
 *   <li>handled: only a marker is kept, and a redelivery is acked without showing anything.
 * </ul>
 *
 * Markers older than the server's queue lifetime can no longer match a redelivery and are pruned.
 */
final class ReceivedLog {
  /** The server drops undelivered envelopes after 30 days by default; a day of slack on top. */
  static final Duration RETENTION = Duration.ofDays(31);
  private static final String DIR = "received";
  private static final byte[] HANDLED = new byte[0];

  private final StateFiles files;

  ReceivedLog(StateFiles files) {
    this.files = files;
  }

  boolean isHandled(String source, MessageId id) {
    return files.read(path(source, id)).map(bytes -> bytes.length == 0).orElse(false);
  }

  Optional<ReceivedMessage> decrypted(String source, MessageId id) {
    return files.read(path(source, id)).filter(bytes -> bytes.length > 0).map(bytes -> {
      try {
        return ReceivedMessage.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("received message record is damaged", e);
      }
    });
  }

  /** Keeps a decrypted message; written through even inside a batch, ahead of the session update. */
  void recordDecrypted(ReceivedMessage message) {
    files.writeNow(path(message.getSource(), new MessageId(message.getMessageId())), message.toByteArray());
  }

  void markHandled(String source, MessageId id) {
    files.write(path(source, id), HANDLED);
  }

  int prune(Instant now) {
    return files.deleteOlderThan(DIR, now.minus(RETENTION));
  }

  private static String path(String source, MessageId id) {
    return DIR + "/" + Addresses.escape(source) + "." + id.hex();
  }
}
