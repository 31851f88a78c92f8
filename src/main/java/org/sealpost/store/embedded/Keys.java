package org.sealpost.store.embedded;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.sealpost.api.DeviceKey;
import org.sealpost.store.MessageQueueStore.DedupeKey;

/**
 * Key encodings of the embedded stores. Strings are joined with a 0x00 separator, which numbers
 * never contain, so one device's keys are never a prefix of another's; integers are big-endian so
 * that byte order is numeric order for the non-negative values used here.
 */
final class Keys {
  static final byte SEPARATOR = 0;
  static final byte[] EMPTY = new byte[0];

  private Keys() {}

  /** A string as key bytes; refuses the separator so keys stay unambiguous. */
  static byte[] text(String value) {
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("key text must not contain NUL");
    }
    return value.getBytes(StandardCharsets.UTF_8);
  }

  /** number, 0x00, device id: the prefix of one device's queue and its queue_meta key. */
  static byte[] device(DeviceKey device) {
    byte[] number = text(device.number());
    return ByteBuffer.allocate(number.length + 1 + Integer.BYTES)
        .put(number)
        .put(SEPARATOR)
        .putInt(device.deviceId())
        .array();
  }

  static byte[] queueEntry(DeviceKey device, long seq) {
    byte[] prefix = device(device);
    return ByteBuffer.allocate(prefix.length + Long.BYTES).put(prefix).putLong(seq).array();
  }

  /** A one-time prekey: the device prefix, then the key id (4 bytes big-endian). */
  static byte[] preKey(DeviceKey device, int keyId) {
    byte[] prefix = device(device);
    return ByteBuffer.allocate(prefix.length + Integer.BYTES).put(prefix).putInt(keyId).array();
  }

  /** The seq of a queue key: its last eight bytes. */
  static long seqOf(byte[] queueKey) {
    return ByteBuffer.wrap(queueKey, queueKey.length - Long.BYTES, Long.BYTES).getLong();
  }

  /** sender, 0x00, destination, 0x00, message id (last, so it may hold any byte). */
  static byte[] dedupe(DedupeKey key) {
    byte[] sender = text(key.sender());
    byte[] destination = text(key.destination());
    byte[] messageId = key.messageId().toByteArray();
    return ByteBuffer.allocate(sender.length + destination.length + messageId.length + 2)
        .put(sender)
        .put(SEPARATOR)
        .put(destination)
        .put(SEPARATOR)
        .put(messageId)
        .array();
  }

  /** Whether a {@link #dedupe} key names {@code number} as its sender or its destination. */
  static boolean dedupeNames(byte[] key, byte[] number) {
    int first = indexOf(key, SEPARATOR, 0);
    int second = first < 0 ? -1 : indexOf(key, SEPARATOR, first + 1);
    return first >= 0 && second >= 0
        && (java.util.Arrays.equals(key, 0, first, number, 0, number.length)
            || java.util.Arrays.equals(key, first + 1, second, number, 0, number.length));
  }

  private static int indexOf(byte[] key, byte value, int from) {
    for (int i = from; i < key.length; i++) {
      if (key[i] == value) {
        return i;
      }
    }
    return -1;
  }

  static byte[] longValue(long value) {
    return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
  }

  static long longValue(byte[] bytes) {
    if (bytes.length != Long.BYTES) {
      throw new StorageException("expected an 8-byte value, got " + bytes.length + " bytes");
    }
    return ByteBuffer.wrap(bytes).getLong();
  }

  /** The smallest key greater than {@code key}: where a scan resumes after it. */
  static byte[] successor(byte[] key) {
    return Arrays.copyOf(key, key.length + 1);
  }

  /**
   * The smallest key greater than every key that starts with {@code prefix}; null when there is
   * none (an empty prefix, or one of only 0xFF bytes).
   */
  static byte[] prefixEnd(byte[] prefix) {
    for (int i = prefix.length - 1; i >= 0; i--) {
      if (prefix[i] != (byte) 0xFF) {
        byte[] end = Arrays.copyOf(prefix, i + 1);
        end[i]++;
        return end;
      }
    }
    return null;
  }

  static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length
        && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  /** Parses a stored record; a failure means corruption, not a bad request. */
  static <T> T parse(Parser<T> parser, byte[] bytes) {
    try {
      return parser.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new StorageException("cannot parse a stored record", e);
    }
  }
}
