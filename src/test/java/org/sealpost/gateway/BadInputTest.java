package org.sealpost.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;

import com.google.protobuf.ByteString;
import io.vertx.core.buffer.Buffer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import org.sealpost.protocol.GroupSettings;
import org.sealpost.protocol.OutgoingMessage;
import org.sealpost.protocol.Request;
import org.sealpost.protocol.Response;
import org.sealpost.protocol.SendMessageRequest;
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
  void invalidBodyInAValidFrameIsABadRequestOnly() throws Exception {
    Response response = await(alice.connection().request("PUT", "/v1/messages",
        Request.newBuilder().setPath("\u0000").setBody(ByteString.copyFrom(new byte[] {1, 2, 3})).build()));
    Response unknown = await(alice.connection().request("GET", "/v1/nothing-here", com.google.protobuf.Empty.getDefaultInstance()));

    assertThat(response.getStatus()).isEqualTo(400);
    assertThat(unknown.getStatus()).isEqualTo(404);
    assertThat(unknown.getReason()).as("the path is the client's own, not echoed back").doesNotContain("/v1/nothing-here");
    assertThat(org.sealpost.protocol.ErrorBody.parseFrom(unknown.getBody()).getMessage()).doesNotContain("/v1/nothing-here");
    assertWellBehavedClientStillServed();
  }

  @Test
  void undefinedEnumNumbersAndDeviceIdsAreBadRequestsOverFramesAndHttp() throws Exception {
    SendMessageRequest valid = TestDevice.request(bob.number(), List.of(1), TestDevice.newMessageId(), "x", false);
    SendMessageRequest typed99 = valid.toBuilder()
        .setMessages(0, OutgoingMessage.newBuilder(valid.getMessages(0)).setTypeValue(99)).build();
    Response overFrames = await(alice.sendRaw(typed99));
    assertThat(overFrames.getStatus()).isEqualTo(400);
    assertThat(overFrames.getReason()).contains("messages.type has no value 99");

    HttpClient http = HttpClient.newHttpClient();
    String basic = "Basic " + java.util.Base64.getEncoder().encodeToString((alice.number() + "." + alice.deviceId() + ":"
        + alice.credentials().getPassword()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    String json = "{\"destination\":\"" + bob.number() + "\",\"messageId\":\"AAAAAAAAAAAAAAAAAAAAAA==\","
        + "\"messages\":[{\"deviceId\":1,\"type\":99,\"content\":\"eA==\"}]}";
    HttpResponse<String> overHttp = http.send(HttpRequest.newBuilder(server.httpUri().resolve("/v1/messages"))
        .header("Authorization", basic).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(overHttp.statusCode()).as(overHttp.body()).isEqualTo(400);
    assertThat(overHttp.body()).contains("has no value 99");

    // a group setting outside GroupRole is refused before any group is looked at
    Response settings = await(alice.connection().request("PUT", "/v1/groups/AAAAAAAAAAAAAAAAAAAAAA/settings",
        GroupSettings.newBuilder().setAddMembersValue(9).build()));
    assertThat(settings.getStatus()).isEqualTo(400);
    assertThat(settings.getReason()).contains("add_members has no value 9");

    for (String id : List.of("-1", "0", "x")) {
      Response delete = await(alice.connection().request("DELETE", "/v1/devices/" + id, com.google.protobuf.Empty.getDefaultInstance()));
      assertThat(delete.getStatus()).as("DELETE /v1/devices/" + id).isEqualTo(400);
      HttpResponse<String> deleteOverHttp = http.send(HttpRequest.newBuilder(server.httpUri().resolve("/v1/devices/" + id))
          .header("Authorization", basic).DELETE().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(deleteOverHttp.statusCode()).as("HTTP DELETE /v1/devices/" + id).isEqualTo(400);
    }
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
