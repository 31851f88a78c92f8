package org.sealpost.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.ServerChannel;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every bridge into Vert.x internals does what the gateway relies on, with the Vert.x on the class
 * path: when an upgrade changes an internal, this fails by the name of what changed.
 */
@ExtendWith(VertxExtension.class)
class VertxInternalsTest {

  @Test
  void aContextsEventLoopIsTheThreadItRunsOn(Vertx vertx) throws Exception {
    Context context = vertx.getOrCreateContext();
    EventLoop loop = VertxInternals.eventLoop(context);
    CompletableFuture<Boolean> inLoop = new CompletableFuture<>();
    context.runOnContext(v -> inLoop.complete(loop.inEventLoop()));

    assertThat(inLoop.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(loop.inEventLoop()).isFalse();
  }

  @Test
  void emitRunsTheHandlerAtOnceWithTheContextCurrent(Vertx vertx) throws Exception {
    Context context = vertx.getOrCreateContext();
    CompletableFuture<String> seen = new CompletableFuture<>();
    // As a Netty callback does: on the loop's thread, outside any Vert.x task.
    VertxInternals.eventLoop(context).execute(() -> {
      Thread caller = Thread.currentThread();
      VertxInternals.emit(context, "frame", event -> seen.complete(
          event + " on " + (Thread.currentThread() == caller ? "the caller" : "another thread")
              + (Vertx.currentContext() == context ? " in its context" : " outside its context")));
    });

    assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo("frame on the caller in its context");
  }

  @Test
  void buffersAreSharedNotCopied() {
    byte[] bytes = "abc".getBytes(StandardCharsets.US_ASCII);
    ByteBuf netty = Unpooled.wrappedBuffer(bytes);
    Buffer buffer = VertxInternals.wrap(netty);
    bytes[0] = 'x';

    assertThat(buffer.toString(StandardCharsets.US_ASCII)).isEqualTo("xbc");
    assertThat(VertxInternals.byteBuf(buffer).nioBuffer().get(0)).isEqualTo((byte) 'x');
  }

  @Test
  void aServerChannelBindsAndAcceptsOnVertxsLoops(Vertx vertx) throws Exception {
    CompletableFuture<Boolean> accepted = new CompletableFuture<>();
    ServerChannel server = VertxInternals.newServerChannel(vertx);
    server.pipeline().addLast(new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object child) {
        accepted.complete(true);
        ((io.netty.channel.Channel) child).close();
      }
    });
    VertxInternals.acceptorEventLoopGroup(vertx).register(server).sync();
    try {
      server.bind(new InetSocketAddress("127.0.0.1", 0)).sync();
      int port = ((InetSocketAddress) server.localAddress()).getPort();
      try (Socket socket = new Socket("127.0.0.1", port)) {
        assertThat(accepted.get(10, TimeUnit.SECONDS)).isTrue();
      }
    } finally {
      server.close().sync();
    }
  }

  @Test
  void aWebSocketsChannelClosesAtOnce(Vertx vertx, VertxTestContext test) {
    // The server drops the channel when the client asks, so the client's close handler is set by then.
    HttpServer server = vertx.createHttpServer().webSocketHandler(socket -> socket.textMessageHandler(text ->
        test.verify(() -> assertThat(VertxInternals.closeChannel(socket)).isTrue())));
    WebSocketClient client = vertx.createWebSocketClient();
    server.listen(0, "127.0.0.1")
        .compose(listening -> client.connect(listening.actualPort(), "127.0.0.1", "/"))
        .onComplete(test.succeeding(socket -> {
          socket.closeHandler(closed -> test.completeNow());
          socket.writeTextMessage("close me");
        }));
  }
}
