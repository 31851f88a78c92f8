package org.sealpost.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.config.GatewayConfig;
import org.sealpost.config.SealpostConfig;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.Envelope;
import org.sealpost.protocol.Frame;
import org.sealpost.protocol.Response;
import org.sealpost.protocol.SendMessageResponse;
import org.sealpost.testing.RawFrameSocket;
import org.sealpost.testing.TestDevice;
import org.sealpost.testing.TestServer;

/**
 * The per-connection bounds: a peer that stops reading is paused, then cut off, without
 * costing anyone else; too many requests in flight get 429 and nothing accepted is lost;
 * anonymous connections per address are capped.
 */
class ConnectionLimitsTest {
  private static final int OUTBOUND = 128 * 1024;
  @TempDir Path dataDir;
  private TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private void start(int pendingRequests, int unauthenticatedPerIp) {
    UnaryOperator<SealpostConfig> limits = config -> config.withGateway(
        config.gateway().withConnectionLimits(OUTBOUND, pendingRequests, unauthenticatedPerIp));
    server = new TestServer(dataDir, limits);
  }

  @Test
  void aReaderThatStopsReadingIsDisconnectedWhileOthersAreServed() throws Exception {
    start(GatewayConfig.defaults().maxPendingRequests(), 0);
    TestDevice alice = server.device(server.register());
    TestDevice bob = server.device(server.register());
    RawFrameSocket stalled = RawFrameSocket.connect(server.server().tcpPort(), 4096);
    assertThat(stalled.authenticate(server.register())).isEqualTo(200);

    // Pipelines keepalives and never reads an answer: the answers pile up on the server until it
    // cuts the connection. A million answers are far more than socket buffers and the limit hold.
    CompletableFuture<Integer> flood = CompletableFuture.supplyAsync(() -> {
      int sent = 0;
      try {
        while (sent < 1_000_000) {
          stalled.request("GET", "/v1/keepalive", Empty.getDefaultInstance());
          if (++sent % 1000 == 0) {
            stalled.flush();
          }
        }
        stalled.flush();
      } catch (IOException cut) {
        // the server closed the connection while we were still writing
      }
      return sent;
    });
    for (int i = 0; i < 20; i++) {
      alice.send(bob.number(), List.of(bob.deviceId()), TestDevice.newMessageId(), "during the flood " + i);
      assertThat(bob.next(10).getContent().toStringUtf8()).isEqualTo("during the flood " + i + "@" + bob.deviceId());
    }

    flood.get(90, TimeUnit.SECONDS);
    assertThat(stalled.drainsToClose()).as("the server closed the connection of the reader that stopped").isTrue();
    assertThat(server.server().meters().get("sealpost.gateway.slow.reader.disconnects").counter().count()).isEqualTo(1);
    stalled.close();
    alice.send(bob.number(), List.of(bob.deviceId()), TestDevice.newMessageId(), "after");
    assertThat(bob.next(10).getContent().toStringUtf8()).isEqualTo("after@" + bob.deviceId());
  }

  @Test
  void deliveriesPauseForASlowReaderAndResumeInOrder() throws Exception {
    start(GatewayConfig.defaults().maxPendingRequests(), 0);
    TestDevice alice = server.device(server.register());
    DeviceCredentials slow = server.register();
    RawFrameSocket reader = RawFrameSocket.connect(server.server().tcpPort(), 4096);
    assertThat(reader.authenticate(slow)).isEqualTo(200);

    // 120 x 90 KiB is far more than the socket buffers and the outbound limit hold together.
    String padding = "x".repeat(90 * 1024);
    int count = 120;
    List<CompletableFuture<SendMessageResponse>> sends = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      sends.add(alice.sendAsync(slow.getNumber(), List.of(slow.getDeviceId()), TestDevice.newMessageId(), i + ":" + padding)
          .toCompletionStage().toCompletableFuture());
    }
    for (CompletableFuture<SendMessageResponse> send : sends) {
      send.get(60, TimeUnit.SECONDS);
    }
    assertThat(server.deliveriesWritten()).as("deliveries written to a reader that reads nothing").isLessThan(count);

    List<Integer> received = new ArrayList<>();
    while (received.size() < count) {
      Frame frame = reader.nextFrame();
      assertThat(frame).as("connection open").isNotNull();
      if (frame.hasRequest() && frame.getRequest().getPath().equals("/v1/message")) {
        Envelope envelope = Envelope.parseFrom(frame.getRequest().getBody());
        String content = envelope.getContent().toStringUtf8();
        received.add(Integer.parseInt(content.substring(0, content.indexOf(':'))));
        reader.answer(frame.getRequest().getId(), 200);
        reader.flush();
      }
    }
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      expected.add(i);
    }
    assertThat(received).isEqualTo(expected);
    reader.close();
  }

  @Test
  void pipelinedRequestsBeyondThePendingLimitWaitTheirTurnAndAllArriveInOrder() throws Exception {
    start(4, 0);
    TestDevice bob = server.device(server.register());
    RawFrameSocket sender = RawFrameSocket.connect(server.server().tcpPort(), 0);
    assertThat(sender.authenticate(server.register())).isEqualTo(200);

    // 200 sends written at once: the server serves 4 at a time and reads the rest as answers go out.
    int count = 200;
    for (int i = 0; i < count; i++) {
      sender.request("PUT", "/v1/messages", TestDevice.request(bob.number(), List.of(bob.deviceId()),
          ByteString.copyFromUtf8(String.format("id-%013d", i)), "m" + i, false));
    }
    sender.flush();
    for (int i = 0; i < count; i++) {
      Response response = sender.nextResponse();
      assertThat(response).isNotNull();
      assertThat(response.getStatus()).as("answer %d: %s", i, response.getReason()).isEqualTo(200);
    }
    List<String> received = new ArrayList<>();
    for (Envelope envelope : bob.take(count, 30)) {
      received.add(envelope.getContent().toStringUtf8());
    }
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      sent.add("m" + i + "@" + bob.deviceId());
    }
    assertThat(received).isEqualTo(sent);
    sender.close();
  }

  @Test
  void unauthenticatedConnectionsPerAddressAreCapped() throws Exception {
    start(GatewayConfig.defaults().maxPendingRequests(), 3);
    int port = server.server().tcpPort();
    List<RawFrameSocket> sockets = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      sockets.add(RawFrameSocket.connect(port, 0));
    }
    // Gateway instances take connections in parallel, so which two are refused is not fixed.
    List<RawFrameSocket> anonymous = new ArrayList<>();
    int refused = 0;
    for (RawFrameSocket socket : sockets) {
      try {
        Response error = socket.timeout(1500).nextResponse();
        assertThat(error.getStatus()).isEqualTo(429);
        assertThat(error.getReason()).contains("unauthenticated connections");
        assertThat(socket.nextFrame()).as("closed after the refusal").isNull();
        refused++;
        socket.close();
      } catch (java.net.SocketTimeoutException admittedAndWaiting) {
        anonymous.add(socket.timeout(10_000));
      }
    }
    assertThat(refused).isEqualTo(2);

    assertThat(anonymous.get(0).authenticate(server.register())).isEqualTo(200);
    try (RawFrameSocket admitted = RawFrameSocket.connect(port, 0)) {
      assertThat(admitted.authenticate(server.register())).as("a slot freed by authenticating").isEqualTo(200);
    }
    for (RawFrameSocket socket : anonymous) {
      socket.close();
    }
  }
}
