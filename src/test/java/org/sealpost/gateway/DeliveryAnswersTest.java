package org.sealpost.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.config.GatewayConfig;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.Envelope;
import org.sealpost.protocol.Frame;
import org.sealpost.protocol.Request;
import org.sealpost.testing.RawFrameSocket;
import org.sealpost.testing.TestDevice;
import org.sealpost.testing.TestServer;

/**
 * What a client's answer to a delivery ({@code PUT /v1/message}) does when it is not 200: the
 * envelope stays queued for the next connection, and the answer frees what the delivery held on
 * this one. Bob is a raw socket, so each answer is exactly the one the test gives.
 */
class DeliveryAnswersTest {
  private static final String DELIVERY_PATH = "/v1/message";

  @TempDir Path dataDir;
  private TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void nonOkAnswerLeavesTheEnvelopeQueuedForTheNextConnectionOnly() throws Exception {
    server = new TestServer(dataDir);
    TestDevice alice = server.device(server.register());
    DeviceCredentials bob = server.register();
    ByteString refusedId = TestDevice.newMessageId();
    ByteString takenId = TestDevice.newMessageId();

    try (RawFrameSocket raw = RawFrameSocket.connect(server.server().tcpPort(), 0)) {
      assertThat(raw.authenticate(bob)).isEqualTo(200);
      alice.send(bob.getNumber(), List.of(1), refusedId, "refused");
      Request refused = nextDelivery(raw);
      assertThat(envelope(refused).getMessageId()).isEqualTo(refusedId);
      raw.answer(refused.getId(), 500);
      raw.flush();

      alice.send(bob.getNumber(), List.of(1), takenId, "taken");
      Request taken = nextDelivery(raw);
      assertThat(envelope(taken).getMessageId()).as("the next delivery on this connection").isEqualTo(takenId);
      raw.answer(taken.getId(), 200);
      raw.flush();
      List<Envelope> receipts = alice.takeReceipts(Envelope.Type.DELIVERY_RECEIPT, List.of(takenId), 10);
      assertThat(receipts).flatExtracting(Envelope::getReceiptMessageIdsList).as("no receipt for the refused one")
          .doesNotContain(refusedId);
    }

    // The receipt of the taken one is written with its deletion: only the refused one is left.
    TestDevice bobAgain = server.device(bob);
    bobAgain.awaitQueueEmpty(5);
    assertThat(bobAgain.take(bobAgain.inboxSize(), 1)).extracting(Envelope::getMessageId).containsExactly(refusedId);
    assertThat(alice.takeReceipts(Envelope.Type.DELIVERY_RECEIPT, List.of(refusedId), 10))
        .flatExtracting(Envelope::getReceiptMessageIdsList).containsExactly(refusedId);
  }

  /**
   * Two deliveries and 128 KiB unacked at most, deliveries of 50 KiB: once the first is answered
   * 500, the next two both go out while unanswered. Had the answer kept its place in the window,
   * or its bytes of the budget, the third would wait.
   */
  @Test
  void nonOkAnswerFreesTheDeliverysWindowPlaceAndBytesAtOnce() throws Exception {
    server = new TestServer(dataDir, config -> config.withGateway(withWindow(
        config.gateway().withUnackedBudgets(128 * 1024, config.gateway().maxNodeUnackedBytes(), Duration.ofSeconds(30)), 2)));
    TestDevice alice = server.device(server.register());
    DeviceCredentials bob = server.register();
    String large = "x".repeat(50 * 1024);
    ByteString first = TestDevice.newMessageId();
    ByteString second = TestDevice.newMessageId();
    ByteString third = TestDevice.newMessageId();

    try (RawFrameSocket raw = RawFrameSocket.connect(server.server().tcpPort(), 0)) {
      assertThat(raw.authenticate(bob)).isEqualTo(200);
      alice.send(bob.getNumber(), List.of(1), first, large);
      Request refused = nextDelivery(raw);
      assertThat(envelope(refused).getMessageId()).isEqualTo(first);
      raw.answer(refused.getId(), 500);
      raw.flush();

      alice.send(bob.getNumber(), List.of(1), second, large);
      alice.send(bob.getNumber(), List.of(1), third, large);

      assertThat(envelope(nextDelivery(raw)).getMessageId()).isEqualTo(second);
      assertThat(envelope(nextDelivery(raw)).getMessageId()).as("out while the second is unanswered").isEqualTo(third);
    }
  }

  /** A device parked for silence gets deliveries again once it answers, 500 as well as 200. */
  @Test
  void nonOkAnswerCountsAsAnAnswerForTheAckTimeout() throws Exception {
    server = new TestServer(dataDir, config -> config.withGateway(config.gateway().withUnackedBudgets(
        config.gateway().maxUnackedBytes(), config.gateway().maxNodeUnackedBytes(), Duration.ofSeconds(1))));
    TestDevice alice = server.device(server.register());
    DeviceCredentials bob = server.register();
    ByteString first = TestDevice.newMessageId();
    ByteString second = TestDevice.newMessageId();

    try (RawFrameSocket raw = RawFrameSocket.connect(server.server().tcpPort(), 0)) {
      assertThat(raw.authenticate(bob)).isEqualTo(200);
      alice.send(bob.getNumber(), List.of(1), first, "left unanswered");
      Request held = nextDelivery(raw);
      assertThat(envelope(held).getMessageId()).isEqualTo(first);
      awaitParked(server);

      alice.send(bob.getNumber(), List.of(1), second, "while parked");
      raw.timeout(500);
      assertThat(nothingArrives(raw)).as("a parked device gets nothing").isTrue();
      raw.timeout(10_000);
      raw.answer(held.getId(), 500);
      raw.flush();

      assertThat(envelope(nextDelivery(raw)).getMessageId()).isEqualTo(second);
    }
  }

  /** {@code gateway} with room for {@code deliveries} unanswered deliveries per connection. */
  private static GatewayConfig withWindow(GatewayConfig g, int deliveries) {
    return new GatewayConfig(g.host(), g.tcpPort(), g.httpPort(), g.plaintext(), g.tls(), g.instances(),
        g.maxFrameBytes(), g.authTimeout(), g.idleTimeout(), deliveries, g.maxOutboundBytes(), g.maxPendingRequests(),
        g.maxUnauthenticatedPerIp(), g.maxHttpConnectionsPerIp(), g.maxUnackedBytes(), g.maxNodeUnackedBytes(),
        g.ackTimeout());
  }

  /** The next delivery, skipping other server requests (the queue-empty marker). */
  private static Request nextDelivery(RawFrameSocket raw) throws IOException {
    try {
      for (Frame frame = raw.nextFrame(); frame != null; frame = raw.nextFrame()) {
        if (frame.hasRequest() && frame.getRequest().getPath().equals(DELIVERY_PATH)) {
          return frame.getRequest();
        }
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no delivery within the socket's timeout", e);
    }
    throw new AssertionError("connection closed before a delivery");
  }

  /** True when no frame comes within the socket's timeout: for asserting an absence only. */
  private static boolean nothingArrives(RawFrameSocket raw) throws IOException {
    try {
      return raw.nextFrame() == null;
    } catch (SocketTimeoutException expected) {
      return true;
    }
  }

  private static Envelope envelope(Request delivery) throws IOException {
    return Envelope.parseFrom(delivery.getBody());
  }

  /** Waits, without spinning, for the gateway to park a device. */
  private static void awaitParked(TestServer server) throws Exception {
    CompletableFuture<Void> parked = new CompletableFuture<>();
    long timer = server.clients().setPeriodic(20, id -> {
      if (server.server().meters().get("sealpost.gateway.parked.devices").counter().count() >= 1) {
        parked.complete(null);
      }
    });
    try {
      parked.get(10, TimeUnit.SECONDS);
    } finally {
      server.clients().cancelTimer(timer);
    }
  }
}
