package org.sealpost.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketFrame;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.protocol.Frame;
import org.sealpost.testing.TestServer;

/**
 * A WebSocket message over gateway.maxFrameBytes, whole or in fragments, is answered with a 413
 * error frame where one fits and a close with status 1009 (message too big), never dropped in
 * silence; the server never gathers more than the limit of it.
 */
class WebSocketLimitsTest {
  private static final int LIMIT = 128 * 1024;
  @TempDir Path dataDir;
  private TestServer server;
  /** Held in a field: a client nothing refers to is closed by Vert.x's cleaner, handshakes and all. */
  private WebSocketClient client;

  @BeforeEach
  void start() {
    server = new TestServer(dataDir);
    client = server.clients().createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(8 * LIMIT)
        .setMaxMessageSize(8 * LIMIT));
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  @Test
  void aMessageJustOverTheLimitGetsA413AndA1009Close() throws Exception {
    Outcome outcome = connect();
    outcome.socket.writeFrame(WebSocketFrame.binaryFrame(Buffer.buffer(new byte[LIMIT + 10]), true));

    assertThat(outcome.closeStatus.get(10, TimeUnit.SECONDS)).isEqualTo((short) 1009);
    Frame error = outcome.firstFrame.get(1, TimeUnit.SECONDS);
    assertThat(error.getResponse().getStatus()).isEqualTo(413);
  }

  @Test
  void aSingleFrameFarOverTheLimitIsClosedWith1009() throws Exception {
    Outcome outcome = connect();
    outcome.socket.writeFrame(WebSocketFrame.binaryFrame(Buffer.buffer(new byte[3 * LIMIT]), true));

    assertThat(outcome.closeStatus.get(10, TimeUnit.SECONDS)).isEqualTo((short) 1009);
  }

  @Test
  void aFragmentedMessageOverTheLimitIsClosedWith1009() throws Exception {
    Outcome outcome = connect();
    int fragment = 16 * 1024;
    outcome.socket.writeFrame(WebSocketFrame.binaryFrame(Buffer.buffer(new byte[fragment]), false));
    for (int sent = fragment; sent < 4 * LIMIT; sent += fragment) {
      outcome.socket.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer(new byte[fragment]), false));
    }

    assertThat(outcome.closeStatus.get(10, TimeUnit.SECONDS)).isEqualTo((short) 1009);
  }

  private Outcome connect() {
    WebSocket socket = await(client.connect(server.server().httpPort(), "127.0.0.1", ConnectionVerticle.WEBSOCKET_PATH));
    Outcome outcome = new Outcome(socket, new CompletableFuture<>(), new CompletableFuture<>());
    socket.binaryMessageHandler(bytes -> {
      try {
        outcome.firstFrame.complete(Frame.parseFrom(bytes.getBytes()));
      } catch (Exception e) {
        outcome.firstFrame.completeExceptionally(e);
      }
    });
    socket.closeHandler(v -> outcome.closeStatus.complete(socket.closeStatusCode()));
    return outcome;
  }

  private record Outcome(WebSocket socket, CompletableFuture<Frame> firstFrame, CompletableFuture<Short> closeStatus) {}
}
