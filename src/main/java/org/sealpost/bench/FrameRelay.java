package org.sealpost.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.util.AttributeKey;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A bare relay that moves a one-to-one message's six frames and nothing else: no store, no
 * protobuf, no authentication, no futures. Netty with native epoll on its own event loops (as many
 * as a server's; epoll or io_uring), 4-byte length-prefixed frames. What its threads spend per message is what the
 * kernel and the transport cost on this machine: the floor under any server design here.
 *
 * <p>Frames (first byte the type): HELLO(client index) registers a connection; SEND(to, id,
 * payload) is answered with ACK(id) to the sender and DELIVER(from, id, payload) to {@code to};
 * DELIVERED(from, id) from the recipient makes RECEIPT(id) to {@code from}; RECEIPT_ACK(id) ends
 * the message.
 */
final class FrameRelay implements AutoCloseable {
  static final byte HELLO = 0;
  static final byte SEND = 1;
  static final byte ACK = 2;
  static final byte DELIVER = 3;
  static final byte DELIVERED = 4;
  static final byte RECEIPT = 5;
  static final byte RECEIPT_ACK = 6;
  private static final AttributeKey<Integer> INDEX = AttributeKey.valueOf("frame-relay-client");

  private final MultiThreadIoEventLoopGroup loops;
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final AtomicReferenceArray<Channel> clients;
  private final Channel server;

  /** @param ioUring io_uring rather than epoll (as node.transport chooses for a server) */
  FrameRelay(int eventLoops, int maxClients, boolean ioUring) throws InterruptedException {
    clients = new AtomicReferenceArray<>(maxClients);
    AtomicInteger next = new AtomicInteger();
    ThreadFactory factory = task -> {
      Thread thread = new Thread(task, "frame-relay-" + next.incrementAndGet());
      thread.setDaemon(true);
      threads.add(thread);
      return thread;
    };
    loops = new MultiThreadIoEventLoopGroup(eventLoops, factory,
        ioUring ? IoUringIoHandler.newFactory() : EpollIoHandler.newFactory());
    ChannelHandler relay = new Relay();
    server = new ServerBootstrap()
        .group(loops)
        .channel(ioUring ? IoUringServerSocketChannel.class : EpollServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            channel.pipeline()
                .addLast(new LengthFieldBasedFrameDecoder(1 << 20, 0, 4, 0, 4))
                .addLast(new LengthFieldPrepender(4))
                .addLast(relay);
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
  }

  int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** CPU time (user and system) of the relay's threads so far, in ns. */
  long cpuNanos() {
    ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (Thread thread : threads) {
      long nanos = bean.getThreadCpuTime(thread.getId());
      if (nanos > 0) {
        sum += nanos;
      }
    }
    return sum;
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    loops.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }

  @ChannelHandler.Sharable
  private final class Relay extends SimpleChannelInboundHandler<ByteBuf> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
      byte type = frame.readByte();
      switch (type) {
        case HELLO -> {
          int index = frame.readInt();
          ctx.channel().attr(INDEX).set(index);
          clients.set(index, ctx.channel());
        }
        case SEND -> {
          int to = frame.readInt();
          long id = frame.readLong();
          int from = ctx.channel().attr(INDEX).get();
          ByteBuf ack = ctx.alloc().buffer(9).writeByte(ACK).writeLong(id);
          ctx.writeAndFlush(ack);
          ByteBuf deliver = ctx.alloc().buffer(13 + frame.readableBytes())
              .writeByte(DELIVER).writeInt(from).writeLong(id).writeBytes(frame);
          clients.get(to).writeAndFlush(deliver);
        }
        case DELIVERED -> {
          int from = frame.readInt();
          long id = frame.readLong();
          clients.get(from).writeAndFlush(ctx.alloc().buffer(9).writeByte(RECEIPT).writeLong(id));
        }
        case RECEIPT_ACK -> {
          // the message is done
        }
        default -> ctx.close();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      System.err.println("frame relay: closing a connection: " + cause);
      ctx.close();
    }
  }
}
