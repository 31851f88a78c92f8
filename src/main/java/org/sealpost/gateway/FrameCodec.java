package org.sealpost.gateway;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.sealpost.protocol.Frame;
import org.sealpost.vertx.VertxInternals;

/**
 * Frames to and from bytes on the hot path: parsed straight from the received buffer, and
 * serialized straight into the one array that goes to the socket (after the 4-byte length on
 * TCP). The plain way (toByteArray, wrap, prepend the length) allocates and copies each frame
 * three times; see FrameCodecBenchmark (scripts/bench-jmh.sh).
 */
final class FrameCodec {
  static final int LENGTH_BYTES = 4;

  private FrameCodec() {}

  static Frame decode(Buffer bytes) throws InvalidProtocolBufferException {
    return Frame.parseFrom(VertxInternals.byteBuf(bytes).nioBuffer());
  }

  /** The frame's bytes, after its big-endian length when {@code lengthPrefixed}. */
  static Buffer encode(Frame frame, boolean lengthPrefixed) {
    return VertxInternals.wrap(Unpooled.wrappedBuffer(serialize(frame, lengthPrefixed)));
  }

  /** As {@link #encode}, as an array. */
  static byte[] serialize(Frame frame, boolean lengthPrefixed) {
    int size = frame.getSerializedSize();
    int offset = lengthPrefixed ? LENGTH_BYTES : 0;
    byte[] out = new byte[offset + size];
    if (lengthPrefixed) {
      out[0] = (byte) (size >>> 24);
      out[1] = (byte) (size >>> 16);
      out[2] = (byte) (size >>> 8);
      out[3] = (byte) size;
    }
    try {
      CodedOutputStream stream = CodedOutputStream.newInstance(out, offset, size);
      frame.writeTo(stream);
      stream.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException("a frame did not fit its own serialized size", e);
    }
    return out;
  }
}
