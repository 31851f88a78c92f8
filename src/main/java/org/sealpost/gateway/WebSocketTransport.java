package org.sealpost.gateway;

import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import org.sealpost.protocol.Frame;
import org.sealpost.vertx.VertxInternals;

/**
 * Frames on WebSocket: one binary message per frame; text messages are a protocol error.
 *
 * <p>Messages are put together here from their WebSocket frames (not by Vert.x), so a message
 * over the limit is noticed at the fragment that crosses it: nothing beyond the limit is gathered,
 * and the client gets a 413 error frame and a close with status 1009 (message too big). A single
 * frame over Vert.x's frame limit (the limit plus headroom) is refused by the decoder before its
 * payload is read, with the same close.
 */
final class WebSocketTransport implements FrameTransport {
  /** RFC 6455: the endpoint got a message too big to process. */
  static final short MESSAGE_TOO_BIG = 1009;

  private final ServerWebSocket socket;
  private Buffer partial;
  private boolean inText;
  private short closeStatus;
  private String closeReason;

  WebSocketTransport(ServerWebSocket socket) {
    this.socket = socket;
  }

  void bind(Connection connection, int maxFrameBytes, int maxOutboundBytes) {
    socket.setWriteQueueMaxSize(maxOutboundBytes);
    socket.frameHandler(frame -> onFrame(connection, frame, maxFrameBytes));
    socket.closeHandler(v -> connection.onClosed());
    socket.exceptionHandler(err -> {
      if (err instanceof CorruptedWebSocketFrameException corrupt
          && corrupt.closeStatus() != null && corrupt.closeStatus().code() == MESSAGE_TOO_BIG) {
        tooBig(connection, "a WebSocket frame exceeds the limit of " + maxFrameBytes + " bytes");
      } else {
        connection.onTransportError(err);
      }
    });
  }

  private void onFrame(Connection connection, WebSocketFrame frame, int maxFrameBytes) {
    if (closeStatus != 0) {
      return; // closing: the rest of an oversized message is not looked at
    }
    switch (frame.type()) {
      case TEXT -> {
        inText = !frame.isFinal();
        connection.rejectFrame(400, "text messages are not frames; send binary");
      }
      case BINARY -> {
        partial = null;
        inText = false;
        gather(connection, frame, maxFrameBytes);
      }
      case CONTINUATION -> {
        if (!inText) {
          gather(connection, frame, maxFrameBytes);
        }
      }
      default -> { } // ping, pong and close are Vert.x's
    }
  }

  private void gather(Connection connection, WebSocketFrame frame, int maxFrameBytes) {
    Buffer data = frame.binaryData();
    long size = (long) (partial == null ? 0 : partial.length()) + data.length();
    if (size > maxFrameBytes) {
      partial = null;
      tooBig(connection, "frame of " + (frame.isFinal() ? size + " bytes" : "over " + maxFrameBytes + " bytes so far")
          + " exceeds the limit of " + maxFrameBytes);
      return;
    }
    if (frame.isFinal()) {
      Buffer message = partial == null ? data : partial.appendBuffer(data);
      partial = null;
      connection.onFrame(message);
    } else {
      partial = partial == null ? Buffer.buffer((int) size).appendBuffer(data) : partial.appendBuffer(data);
    }
  }

  private void tooBig(Connection connection, String reason) {
    closeStatus = MESSAGE_TOO_BIG;
    closeReason = "message too big";
    connection.rejectFrame(413, reason);
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
    if (closeStatus != 0) {
      socket.close(closeStatus, closeReason);
    } else {
      socket.close();
    }
  }

  @Override
  public void abort() {
    // close() would wait for the queued bytes to flush, which a stalled peer never allows.
    if (!VertxInternals.closeChannel(socket)) {
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
