package org.sealpost.store.cassandra;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.nio.ByteBuffer;

/** Protobuf records to and from blob columns. */
final class Protos {
  private Protos() {}

  static ByteBuffer blob(MessageLite message) {
    return ByteBuffer.wrap(message.toByteArray());
  }

  /** Parses a stored blob; a blob that does not parse is corrupt data, not a client error. */
  static <T> T parse(Parser<T> parser, ByteBuffer blob) {
    try {
      return parser.parseFrom(blob.duplicate());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt record in Cassandra", e);
    }
  }
}
