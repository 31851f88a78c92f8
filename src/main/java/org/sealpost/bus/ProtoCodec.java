package org.sealpost.bus;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Carries one protobuf type on the event bus: length-prefixed bytes across the cluster, the
 * same instance locally (protobuf messages are immutable, so sharing is safe).
 */
public final class ProtoCodec<T extends MessageLite> implements MessageCodec<T, T> {
  private final String name;
  private final Parser<T> parser;

  public ProtoCodec(String name, Parser<T> parser) {
    this.name = name;
    this.parser = parser;
  }

  @Override
  public void encodeToWire(Buffer buffer, T message) {
    byte[] bytes = message.toByteArray();
    buffer.appendInt(bytes.length).appendBytes(bytes);
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    try {
      return parser.parseFrom(buffer.getBytes(pos + 4, pos + 4 + length));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt " + name + " on the event bus", e);
    }
  }

  @Override
  public T transform(T message) {
    return message;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
