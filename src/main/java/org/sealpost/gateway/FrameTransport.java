package org.sealpost.gateway;

import org.sealpost.protocol.Frame;

/** How a {@link Connection} writes frames: a length-prefixed TCP stream or WebSocket binary messages. */
interface FrameTransport {
  /** Encodes and writes one Frame ({@link FrameCodec}). */
  void write(Frame frame);

  /** True while more than the outbound limit waits to be written (the peer reads too slowly). */
  boolean writeQueueFull();

  /** Called once the outbound bytes fall back under the limit. */
  void drainHandler(Runnable handler);

  /** Stops handing frames to the connection (and reading the socket) until {@link #resumeReading}. */
  void pauseReading();

  void resumeReading();

  /** Closes after the bytes already written are sent. */
  void close();

  /** Closes at once, dropping whatever still waits to be written (a peer that stopped reading). */
  void abort();

  String remoteIp();

  /** "tcp" or "websocket", for metrics and logs. */
  String name();
}
