package org.sealpost.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;

import com.google.protobuf.ByteString;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.client.WireConnection;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.Envelope;
import org.sealpost.protocol.Frame;
import org.sealpost.protocol.Request;
import org.sealpost.protocol.Response;
import org.sealpost.testing.TestDevice;
import org.sealpost.testing.TestServer;
import org.sealpost.testing.TestServer.Transport;

/**
 * Bad bytes on one connection get an error and a close; a well-behaved client on the same
 * server keeps exchanging messages throughout.
 */
class BadInputTest {
  @TempDir Path dataDir;
  private TestServer server;
  private TestDevice alice;
  private TestDevice bob;

  @BeforeEach
  void start() {
    server = new TestServer(dataDir);
    alice = server.device(server.register());
    bob = server.device(server.register());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void garbageBytesGetAnErrorAndAClose() throws Exception {
    byte[] garbage = new byte[4096];
    new Random(42).nextBytes(garbage);
    Outcome outcome = sendRaw(Transport.TCP, Buffer.buffer(garbage));

    assertThat(outcome.error.get(5, TimeUnit.SECONDS).getStatus()).isIn(400, 413);
    outcome.closed.get(5, TimeUnit.SECONDS);
    assertWellBehavedClientStillServed();
  }

  @Test
  void tenMebibyteLengthPrefixIsRefusedBeforeItsBody() throws Exception {
    Outcome outcome = sendRaw(Transport.TCP, Buffer.buffer().appendInt(10 * 1024 * 1024).appendBytes(new byte[64]));

    Response error = outcome.error.get(5, TimeUnit.SECONDS);
    assertThat(error.getStatus()).isEqualTo(413);
    assertThat(error.getReason()).contains("exceeds the limit");
    outcome.closed.get(5, TimeUnit.SECONDS);
    assertWellBehavedClientStillServed();
  }

  @Test
  void oversizedWebSocketFrameIsRefused() throws Exception {
    Outcome outcome = sendRaw(Transport.WEBSOCKET, Buffer.buffer(new byte[200 * 1024]));

    outcome.closed.get(5, TimeUnit.SECONDS);
    assertWellBehavedClientStillServed();
  }

  @Test
  void truncatedFrameIsClosedByTheIdleTimeout(@TempDir Path otherDir) throws Exception {
    server.close();
    server = new TestServer(otherDir, config -> config.withGateway(
        config.gateway().withTimeouts(config.gateway().authTimeout(), Duration.ofMillis(800))));
    alice = server.device(server.register());
    bob = server.device(server.register());
    // Well-behaved clients send keepalives, so only the silent attacker times out.
    long keepalive = server.clients().setPeriodic(300, id -> {
      alice.connection().request("GET", "/v1/keepalive", com.google.protobuf.Empty.getDefaultInstance());
      bob.connection().request("GET", "/v1/keepalive", com.google.protobuf.Empty.getDefaultInstance());
    });
    Outcome outcome = sendRaw(Transport.TCP, Buffer.buffer().appendInt(1000).appendBytes(new byte[10]));

    outcome.closed.get(5, TimeUnit.SECONDS);
    server.clients().cancelTimer(keepalive);
    assertWellBehavedClientStillServed();
  }

  @Test
  void invalidProtobufGetsAnErrorAndAClose() throws Exception {
    byte[] notProtobuf = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 0x01};
    for (Transport transport : Transport.values()) {
      Buffer bytes = transport == Transport.TCP
          ? Buffer.buffer().appendInt(notProtobuf.length).appendBytes(notProtobuf)
          : Buffer.buffer(notProtobuf);
      Outcome outcome = sendRaw(transport, bytes);

      assertThat(outcome.error.get(5, TimeUnit.SECONDS).getStatus()).isEqualTo(400);
      outcome.closed.get(5, TimeUnit.SECONDS);
    }
    assertWellBehavedClientStillServed();
  }

  @Test
  void invalidBodyInAValidFrameIsABadRequestOnly() {
    Response response = await(alice.connection().request("PUT", "/v1/messages",
        Request.newBuilder().setPath("\u0000").setBody(ByteString.copyFrom(new byte[] {1, 2, 3})).build()));
    Response unknown = await(alice.connection().request("GET", "/v1/nothing-here", com.google.protobuf.Empty.getDefaultInstance()));

    assertThat(response.getStatus()).isEqualTo(400);
    assertThat(unknown.getStatus()).isEqualTo(404);
    assertWellBehavedClientStillServed();
  }

  @Test
  void emptyFrameGetsAnErrorAndAClose() throws Exception {
    Outcome outcome = sendRaw(Transport.TCP, Buffer.buffer().appendInt(0));

    assertThat(outcome.error.get(5, TimeUnit.SECONDS).getStatus()).isEqualTo(400);
    outcome.closed.get(5, TimeUnit.SECONDS);
    assertWellBehavedClientStillServed();
  }

  @Test
  void frameWithNeitherRequestNorResponseGetsAnErrorAndAClose() throws Exception {
    Outcome outcome = sendRaw(Transport.WEBSOCKET, Buffer.buffer(Frame.getDefaultInstance().toByteArray()));

    outcome.closed.get(5, TimeUnit.SECONDS);
    assertWellBehavedClientStillServed();
  }

  private Outcome sendRaw(Transport transport, Buffer bytes) {
    WireConnection attacker = server.connect(transport);
    Outcome outcome = new Outcome(new CompletableFuture<>(), new CompletableFuture<>());
    attacker.onConnectionError(outcome.error::complete).onClose(() -> outcome.closed.complete(null));
    attacker.writeRaw(bytes);
    return outcome;
  }

  /** Alice and Bob, authenticated before the attack, still exchange a message both ways. */
  private void assertWellBehavedClientStillServed() {
    ByteString id = TestDevice.newMessageId();
    alice.send(bob.number(), List.of(1), id, "still here");
    Envelope received = bob.next();
    assertThat(received.getMessageId()).isEqualTo(id);
    assertThat(received.getContent().toStringUtf8()).isEqualTo("still here@1");
    // Keepalives stop the idle timeout from closing the well-behaved clients.
    assertThat(await(alice.connection().request("GET", "/v1/keepalive", com.google.protobuf.Empty.getDefaultInstance())).getStatus()).isEqualTo(200);
    assertThat(await(bob.connection().request("GET", "/v1/keepalive", com.google.protobuf.Empty.getDefaultInstance())).getStatus()).isEqualTo(200);
  }

  private record Outcome(CompletableFuture<Response> error, CompletableFuture<Void> closed) {}
}
