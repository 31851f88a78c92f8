package org.sealpost.gateway;

import org.sealpost.protocol.Frame;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.http.ServerWebSocket;

/** Frames on WebSocket: one binary message per frame; text messages are a protocol error. */
final class WebSocketTransport implements FrameTransport {
  private final ServerWebSocket socket;

  WebSocketTransport(ServerWebSocket socket) {
    this.socket = socket;
  }

  void bind(Connection connection, int maxFrameBytes, int maxOutboundBytes) {
    socket.setWriteQueueMaxSize(maxOutboundBytes);
    socket.binaryMessageHandler(message -> {
      if (message.length() > maxFrameBytes) {
        connection.rejectFrame(413, "frame of " + message.length() + " bytes exceeds the limit of " + maxFrameBytes);
      } else {
        connection.onFrame(message);
      }
    });
    socket.textMessageHandler(text -> connection.rejectFrame(400, "text messages are not frames; send binary"));
    socket.closeHandler(v -> connection.onClosed());
    socket.exceptionHandler(connection::onTransportError);
  }

  @Override
  public void write(Frame frame) {
    socket.writeBinaryMessage(FrameCodec.encode(frame, false));
  }

  @Override
  public void pauseReading() {
    socket.pause();
  }

  @Override
  public void resumeReading() {
    socket.resume();
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
    if (socket instanceof WebSocketInternal internal) {
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
    return "websocket";
  }
}
