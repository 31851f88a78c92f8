package org.sealpost.gateway;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import org.sealpost.protocol.Frame;

/**
 * Frames on TCP: a 4-byte big-endian length, then that many bytes of Frame. A length over the
 * limit is answered with an error and the connection is closed before its body is read.
 */
final class TcpTransport implements FrameTransport {
  private final NetSocket socket;
  private RecordParser parser;

  TcpTransport(NetSocket socket) {
    this.socket = socket;
  }

  /** Splits the socket's bytes into frames for {@code connection}. */
  void bind(Connection connection, int maxFrameBytes, int maxOutboundBytes) {
    socket.setWriteQueueMaxSize(maxOutboundBytes);
    // Parsing the socket as a stream: pausing the parser stops reading the socket too.
    RecordParser parser = RecordParser.newFixed(FrameCodec.LENGTH_BYTES, socket);
    this.parser = parser;
    parser.handler(new Handler<>() {
      private boolean expectingLength = true;

      @Override
      public void handle(Buffer chunk) {
        if (expectingLength) {
          long length = chunk.getUnsignedInt(0);
          if (length == 0 || length > maxFrameBytes) {
            connection.rejectFrame(length == 0 ? 400 : 413,
                length == 0 ? "empty frame" : "frame of " + length + " bytes exceeds the limit of " + maxFrameBytes);
            parser.pause();
            return;
          }
          expectingLength = false;
          parser.fixedSizeMode((int) length);
        } else {
          expectingLength = true;
          parser.fixedSizeMode(FrameCodec.LENGTH_BYTES);
          connection.onFrame(chunk);
        }
      }
    });
    socket.closeHandler(v -> connection.onClosed());
    socket.exceptionHandler(connection::onTransportError);
  }

  @Override
  public void write(Frame frame) {
    socket.write(FrameCodec.encode(frame, true));
  }

  @Override
  public void pauseReading() {
    parser.pause();
  }

  @Override
  public void resumeReading() {
    parser.resume();
  }

  @Override
  public boolean writeQueueFull() {
    return socket.writeQueueFull();
  }

  @Override
  public void drainHandler(Runnable handler) {
    socket.drainHandler(v -> handler.run());
  }

  @Override
  public void close() {
    socket.close();
  }

  @Override
  public void abort() {
    // close() would wait for the queued bytes to flush, which a stalled peer never allows.
    if (socket instanceof NetSocketInternal internal) {
      internal.channelHandlerContext().channel().close();
    } else {
      socket.close();
    }
  }

  @Override
  public String remoteIp() {
    return socket.remoteAddress() == null ? "unknown" : socket.remoteAddress().hostAddress();
  }

  @Override
  public String name() {
    return "tcp";
  }
}
