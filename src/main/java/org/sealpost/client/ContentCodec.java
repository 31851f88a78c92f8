package org.sealpost.client;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.Arrays;
import org.sealpost.client.proto.Content;

/**
 * Plaintext framing: a serialized {@link Content}, then 0x80, then zeros up to a multiple of
 * {@value #BLOCK} bytes (Signal's scheme). Padding hides a message's exact length from the
 * server, which otherwise sees ciphertext sizes.
 */
final class ContentCodec {
  static final int BLOCK = 160;
  private static final byte END = (byte) 0x80;

  private ContentCodec() {}

  static byte[] encode(Content content) {
    byte[] bytes = content.toByteArray();
    int padded = (bytes.length + 1 + BLOCK - 1) / BLOCK * BLOCK;
    byte[] out = Arrays.copyOf(bytes, padded);
    out[bytes.length] = END;
    return out;
  }

  static Content decode(byte[] padded) throws InvalidProtocolBufferException {
    int end = padded.length - 1;
    while (end >= 0 && padded[end] == 0) {
      end--;
    }
    if (end < 0 || padded[end] != END) {
      throw new InvalidProtocolBufferException("plaintext padding is malformed");
    }
    return Content.parseFrom(Arrays.copyOf(padded, end));
  }
}
