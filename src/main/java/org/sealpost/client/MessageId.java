package org.sealpost.client;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The 16 random bytes a sender picks for one logical message. The same id travels to every
 * destination device and to the sender's own other devices, makes a resend idempotent on the
 * server, lets a receiver drop a redelivery, and names the message in receipts.
 */
public record MessageId(ByteString bytes) {
  public static final int LENGTH = 16;
  private static final SecureRandom RANDOM = new SecureRandom();

  public MessageId {
    if (bytes == null || bytes.size() != LENGTH) {
      throw new IllegalArgumentException("a message id is " + LENGTH + " bytes");
    }
  }

  public static MessageId random() {
    byte[] id = new byte[LENGTH];
    RANDOM.nextBytes(id);
    return new MessageId(ByteString.copyFrom(id));
  }

  public static MessageId fromHex(String hex) {
    return new MessageId(ByteString.copyFrom(HexFormat.of().parseHex(hex)));
  }

  public String hex() {
    return HexFormat.of().formatHex(bytes.toByteArray());
  }

  @Override
  public String toString() {
    return hex();
  }
}
