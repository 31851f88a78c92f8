package org.sealpost.vertx;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.internal.http.WebSocketInternal;

/**
 * The one place Sealpost reaches into Vert.x internals ({@code io.vertx.core.internal}), which are
 * not public API and may change in any release. Each use either saves a copy on the per-frame path
 * (a Netty buffer shared with a Vert.x {@link Buffer}) or lets the frame protocol's plain Netty
 * listener live on Vert.x's event loops (gateway's TcpListener says why it is not a NetSocket).
 * {@code VertxInternalsTest} exercises every method against the Vert.x on the class path, so an
 * upgrade that changes one fails there, by name.
 */
public final class VertxInternals {
  private VertxInternals() {}

  /** The Netty event loop a Vert.x event-loop context runs on. */
  public static EventLoop eventLoop(Context context) {
    return ((ContextInternal) context).nettyEventLoop();
  }

  /**
   * Runs {@code handler} on the calling thread, which must be {@code context}'s, with
   * {@code context} as the current context: how a Netty callback enters Vert.x without a queue hop.
   */
  public static <T> void emit(Context context, T event, Handler<T> handler) {
    ((ContextInternal) context).emit(event, handler);
  }

  /** A Vert.x buffer over {@code bytes}, without copying. */
  public static Buffer wrap(ByteBuf bytes) {
    return BufferInternal.buffer(bytes);
  }

  /** The Netty buffer under a Vert.x buffer, without copying. */
  public static ByteBuf byteBuf(Buffer buffer) {
    return ((BufferInternal) buffer).getByteBuf();
  }

  /** A new, unregistered server channel of the transport Vert.x runs on (epoll, NIO, ...). */
  public static ServerChannel newServerChannel(Vertx vertx) {
    return ((VertxInternal) vertx).transport().serverChannelFactory(false).newChannel();
  }

  /** The event loops Vert.x accepts connections on. */
  public static EventLoopGroup acceptorEventLoopGroup(Vertx vertx) {
    return ((VertxInternal) vertx).acceptorEventLoopGroup();
  }

  /**
   * Closes a WebSocket's channel at once, dropping what is queued: a plain close would wait for
   * queued bytes to flush, which a stalled peer never allows. False if this socket has no channel
   * to close (then close it the public way).
   */
  public static boolean closeChannel(WebSocketBase socket) {
    if (socket instanceof WebSocketInternal internal) {
      internal.channelHandlerContext().channel().close();
      return true;
    }
    return false;
  }
}
