package org.sealpost.gateway;

import io.vertx.core.buffer.Buffer;

/** How a {@link Connection} writes frames: a length-prefixed TCP stream or WebSocket binary messages. */
interface FrameTransport {
  /** Writes one encoded Frame. */
  void write(Buffer frame);

  void close();

  String remoteIp();

  /** "tcp" or "websocket", for metrics and logs. */
  String name();
}
