package org.sealpost.gateway;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.ServerChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.KeyCertOptions;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.sealpost.vertx.VertxInternals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One listening TCP socket shared by the gateway instances of a node: each accepted channel is
 * handed, in turn, to one instance and registered on that instance's event loop, so the
 * connection's Netty callbacks and its Vert.x context share one thread.
 *
 * <p>Sealpost serves its frame protocol on plain Netty channels rather than Vert.x
 * {@code NetSocket}s: a {@code NetSocket} allocates a 1,024-slot outbound queue (~4 KB) up
 * front, which more than doubled the cost of an idle connection (BENCHMARKS.md, connections).
 */
final class TcpListener {
  private static final Logger log = LoggerFactory.getLogger(TcpListener.class);
  private static final Map<Key, TcpListener> LISTENERS = new HashMap<>();

  /** Instances of one Vert.x asking for the same host, port and TLS share one listener. */
  private record Key(Vertx vertx, String host, int port, boolean tls) {}

  /** One gateway instance: its event loop, and what sets up a channel accepted for it. */
  record Member(EventLoop eventLoop, BiConsumer<Channel, SslContext> init) {}

  private final Key key;
  private final SslContext ssl;
  private final List<Member> members = new CopyOnWriteArrayList<>();
  private final AtomicInteger next = new AtomicInteger();
  private final Future<Channel> bound;

  private TcpListener(Key key, SslContext ssl) {
    this.key = key;
    this.ssl = ssl;
    this.bound = bind();
  }

  /**
   * Adds {@code member} to the listener of {@code host:port} (binding it on first use);
   * completes once the port is bound. {@code tls} null means plaintext.
   */
  static Future<TcpListener> join(Vertx vertx, String host, int port, KeyCertOptions tls, Member member) {
    TcpListener listener;
    synchronized (LISTENERS) {
      Key key = new Key(vertx, host, port, tls != null);
      listener = LISTENERS.get(key);
      if (listener == null) {
        SslContext ssl;
        try {
          ssl = tls == null ? null : SslContextBuilder.forServer(tls.getKeyManagerFactory(vertx))
              .sslProvider(SslProvider.JDK).build();
        } catch (Exception e) {
          return Future.failedFuture(new IllegalStateException("TLS key or certificate unusable: " + e.getMessage(), e));
        }
        listener = new TcpListener(key, ssl);
        LISTENERS.put(key, listener);
      }
      listener.members.add(member);
    }
    TcpListener joined = listener;
    return listener.bound.map(channel -> joined).recover(err -> {
      joined.leave(member);
      return Future.failedFuture(err);
    });
  }

  /** Removes {@code member}; the last one to leave closes the listening socket. */
  Future<Void> leave(Member member) {
    synchronized (LISTENERS) {
      members.remove(member);
      if (!members.isEmpty() || LISTENERS.get(key) != this) {
        return Future.succeededFuture();
      }
      LISTENERS.remove(key);
    }
    return bound.transform(ar -> {
      if (ar.failed()) {
        return Future.succeededFuture();
      }
      Promise<Void> closed = Promise.promise();
      ar.result().close().addListener(f -> closed.complete());
      return closed.future();
    });
  }

  /** The bound port (the chosen one when 0 was asked for). */
  int actualPort() {
    return ((InetSocketAddress) bound.result().localAddress()).getPort();
  }

  private Future<Channel> bind() {
    ServerChannel server = VertxInternals.newServerChannel(key.vertx());
    server.config().setOption(ChannelOption.SO_REUSEADDR, true);
    server.config().setOption(ChannelOption.SO_BACKLOG, 1024);
    server.pipeline().addLast(new Acceptor());
    Promise<Channel> promise = Promise.promise();
    VertxInternals.acceptorEventLoopGroup(key.vertx()).register(server).addListener(registered -> {
      if (!registered.isSuccess()) {
        promise.fail(registered.cause());
        return;
      }
      server.bind(new InetSocketAddress(key.host(), key.port())).addListener(done -> {
        if (done.isSuccess()) {
          promise.complete(server);
        } else {
          server.close();
          promise.fail(done.cause());
        }
      });
    });
    return promise.future();
  }

  /** Hands each accepted channel to the next member, on that member's event loop. */
  @ChannelHandler.Sharable
  private final class Acceptor extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      Channel child = (Channel) msg;
      Member[] current = members.toArray(new Member[0]); // members may leave meanwhile
      if (current.length == 0) {
        child.unsafe().closeForcibly();
        return;
      }
      Member member = current[Math.floorMod(next.getAndIncrement(), current.length)];
      child.config().setOption(ChannelOption.TCP_NODELAY, true);
      // The allocator the netty_pooled_direct_memory_used_bytes gauge reads.
      child.config().setAllocator(PooledByteBufAllocator.DEFAULT);
      child.pipeline().addLast(new ChannelInitializer<>() {
        @Override
        protected void initChannel(Channel channel) {
          member.init().accept(channel, ssl);
        }
      });
      member.eventLoop().register(child).addListener(registered -> {
        if (!registered.isSuccess()) {
          log.warn("could not register an accepted connection: {}", registered.cause().toString());
          child.unsafe().closeForcibly();
        }
      });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // Typically out of file descriptors: stop accepting for a second rather than spin.
      log.warn("accepting TCP connections on port {} failed: {}; pausing accepts for 1 s", key.port(), cause.toString());
      ctx.channel().config().setAutoRead(false);
      ctx.channel().eventLoop().schedule(() -> ctx.channel().config().setAutoRead(true), 1, TimeUnit.SECONDS);
    }
  }
}
