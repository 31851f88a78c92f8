package org.sealpost.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.core.Context;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.sealpost.protocol.Frame;
import org.sealpost.vertx.VertxInternals;

/**
 * Frames on TCP: a 4-byte big-endian length, then that many bytes of Frame. A length over the
 * limit is answered with an error and the connection is closed before its body is read.
 *
 * <p>A Netty handler on the channel (see {@link TcpListener} for why not a Vert.x socket). Every
 * callback runs on the channel's event loop, which is its gateway instance's, and enters that
 * instance's Vert.x context before touching the {@link Connection}. An idle connection holds no
 * buffer: bytes are kept only while a frame is incomplete. Writes made while the connection's
 * input is being handled are flushed together once the read ends.
 */
final class TcpTransport extends ChannelDuplexHandler implements FrameTransport {
  private final Channel channel;
  private final Context context;
  private final int maxFrameBytes;
  private final Function<TcpTransport, Connection> onActive;
  private Connection connection;
  private ByteBuf received;
  private boolean paused;
  private boolean decoding;
  private boolean rejected;
  private Runnable drained;
  private String remoteIp;

  private TcpTransport(Channel channel, Context context, int maxFrameBytes,
      Function<TcpTransport, Connection> onActive) {
    this.channel = channel;
    this.context = context;
    this.maxFrameBytes = maxFrameBytes;
    this.onActive = onActive;
  }

  /**
   * Sets up an accepted channel's pipeline (TLS when {@code ssl} is not null, read-idle timeout,
   * flush batching, frames); once the channel is connected, {@code onActive} makes (on
   * {@code context}) the connection its frames go to.
   */
  static void install(Channel channel, SslContext ssl, Context context, int maxFrameBytes,
      int maxOutboundBytes, long readIdleMillis, Function<TcpTransport, Connection> onActive) {
    TcpTransport transport = new TcpTransport(channel, context, maxFrameBytes, onActive);
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(maxOutboundBytes / 2, maxOutboundBytes));
    if (ssl != null) {
      channel.pipeline().addLast("tls", ssl.newHandler(channel.alloc()));
    }
    channel.pipeline().addLast("flush", new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
    if (readIdleMillis > 0) {
      channel.pipeline().addLast("idle", new IdleStateHandler(readIdleMillis, 0, 0, TimeUnit.MILLISECONDS));
    }
    channel.pipeline().addLast("frames", transport);
  }

  // ------------------------------------------------------------------ Netty callbacks

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    VertxInternals.emit(context, this, transport -> connection = onActive.apply(transport));
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf bytes = (ByteBuf) msg;
    if (rejected || connection == null) {
      bytes.release();
      return;
    }
    received = received == null ? bytes : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), received, bytes);
    VertxInternals.emit(context, null, v -> decodeFrames());
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (channel.isWritable() && drained != null) {
      VertxInternals.emit(context, null, v -> drained.run());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      ctx.close(); // nothing read for gateway.idleTimeout: the client is gone or hung
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (connection != null) {
      VertxInternals.emit(context, cause, connection::onTransportError);
    }
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseReceived();
    if (connection != null) {
      VertxInternals.emit(context, null, v -> connection.onClosed());
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseReceived();
  }

  /** Hands every complete frame to the connection, unless paused; keeps the incomplete rest. */
  private void decodeFrames() {
    if (decoding) {
      return; // a frame's handling resumed reading: the loop below goes on by itself
    }
    decoding = true;
    try {
      while (!paused && !rejected && received != null && received.readableBytes() >= FrameCodec.LENGTH_BYTES) {
        long length = received.getUnsignedInt(received.readerIndex());
        if (length == 0 || length > maxFrameBytes) {
          rejected = true;
          releaseReceived();
          connection.rejectFrame(length == 0 ? 400 : 413,
              length == 0 ? "empty frame" : "frame of " + length + " bytes exceeds the limit of " + maxFrameBytes);
          return;
        }
        if (received.readableBytes() < FrameCodec.LENGTH_BYTES + length) {
          break;
        }
        received.skipBytes(FrameCodec.LENGTH_BYTES);
        ByteBuf frame = received.readRetainedSlice((int) length);
        try {
          connection.onFrame(VertxInternals.wrap(frame));
        } finally {
          frame.release();
        }
      }
      if (received != null && !received.isReadable()) {
        releaseReceived();
      }
    } finally {
      decoding = false;
    }
  }

  private void releaseReceived() {
    if (received != null) {
      received.release();
      received = null;
    }
  }

  // ------------------------------------------------------------------ FrameTransport

  @Override
  public void write(Frame frame) {
    channel.writeAndFlush(Unpooled.wrappedBuffer(FrameCodec.serialize(frame, true)), channel.voidPromise());
  }

  @Override
  public void pauseReading() {
    paused = true;
    channel.config().setAutoRead(false);
  }

  @Override
  public void resumeReading() {
    paused = false;
    if (!rejected) {
      channel.config().setAutoRead(true);
      decodeFrames();
    }
  }

  @Override
  public boolean writeQueueFull() {
    return !channel.isWritable();
  }

  @Override
  public void drainHandler(Runnable handler) {
    drained = handler;
  }

  @Override
  public void close() {
    channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void abort() {
    // close() would wait for the queued bytes to flush, which a stalled peer never allows.
    channel.close();
  }

  @Override
  public String remoteIp() {
    if (remoteIp == null) {
      remoteIp = channel.remoteAddress() instanceof InetSocketAddress address && address.getAddress() != null
          ? address.getAddress().getHostAddress() : "unknown";
    }
    return remoteIp;
  }

  @Override
  public String name() {
    return "tcp";
  }
}
