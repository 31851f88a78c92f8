package org.sealpost.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.Envelope;
import org.sealpost.testing.Await;
import org.sealpost.testing.TestDevice;
import org.sealpost.testing.TestServer;

/** What an operator relies on: health endpoints for the load balancer and the figures of /metrics. */
class OperationsTest {

  @Test
  void liveAndReadyWhileServingThenNotReadyButLiveWhileDraining(@TempDir Path dir) {
    try (TestServer server = new TestServer(dir)) {
      URI base = server.httpUri();
      assertThat(Scrape.get(base, "/health/live").statusCode()).isEqualTo(200);
      HttpResponse<String> ready = Scrape.get(base, "/health/ready");
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).contains("\"status\":\"UP\"").contains("\"store\":\"ok\"").contains("\"sessions\":\"ok\"");

      assertThat(health(base, "--ready")).isZero();

      await(server.server().drain(), 30);

      HttpResponse<String> draining = Scrape.get(base, "/health/ready");
      assertThat(draining.statusCode()).isEqualTo(503);
      assertThat(draining.body()).contains("draining");
      assertThat(Scrape.get(base, "/health/live").statusCode()).isEqualTo(200);
      // `sealpost health`, the container's HEALTHCHECK, follows the same endpoints.
      assertThat(health(base)).isZero();
      assertThat(health(base, "--ready")).isEqualTo(1);
    }
  }

  @Test
  void metricsOnTheirOwnPortLeaveTheGatewayPort(@TempDir Path dir) {
    try (TestServer server = new TestServer(dir, c -> c.withMetrics(c.metrics().withPort(0)))) {
      URI own = URI.create("http://127.0.0.1:" + server.server().metricsPort());
      assertThat(Scrape.metric(own, "sealpost_cluster_members")).isEqualTo(1);
      assertThat(Scrape.get(own, "/health/ready").statusCode()).isEqualTo(200);
      assertThat(Scrape.get(server.httpUri(), "/metrics").statusCode()).isEqualTo(404);
      assertThat(Scrape.get(server.httpUri(), "/health/live").statusCode()).isEqualTo(200);
    }
  }

  private static int health(URI base, String... more) {
    java.util.List<String> args = new java.util.ArrayList<>(List.of("health", "--url", base.toString()));
    args.addAll(List.of(more));
    return new picocli.CommandLine(new org.sealpost.Main()).execute(args.toArray(String[]::new));
  }

  @Test
  void metricsMoveWithRealTraffic(@TempDir Path dir) throws Exception {
    try (TestServer server = new TestServer(dir)) {
      URI base = server.httpUri();
      DeviceCredentials aliceCredentials = server.register();
      DeviceCredentials bobCredentials = server.register();
      TestDevice alice = server.device(aliceCredentials);
      TestDevice bob = server.device(bobCredentials, TestServer.Transport.WEBSOCKET);

      alice.send(bob.number(), List.of(1), TestDevice.newMessageId(), "hello");
      assertThat(bob.next(10).getType()).isEqualTo(Envelope.Type.MESSAGE);
      // Bob's ack turns into a delivery receipt for Alice, which she acks in turn.
      assertThat(alice.next(10).getType()).isEqualTo(Envelope.Type.DELIVERY_RECEIPT);

      Await.until("the receipt's ack to be counted", Duration.ofSeconds(10),
          () -> Scrape.metric(base, "sealpost_receipts_delivered_total", "type=\"delivery\"") >= 1);
      String metrics = Scrape.get(base, "/metrics").body();
      assertThat(Scrape.value(metrics, "sealpost_gateway_connections", "transport=\"tcp\"")).isEqualTo(1);
      assertThat(Scrape.value(metrics, "sealpost_gateway_connections", "transport=\"websocket\"")).isEqualTo(1);
      assertThat(Scrape.value(metrics, "sealpost_gateway_authenticated")).isEqualTo(2);
      assertThat(Scrape.value(metrics, "sealpost_gateway_frames_in_total")).isGreaterThanOrEqualTo(4);
      assertThat(Scrape.value(metrics, "sealpost_gateway_frames_out_total")).isGreaterThanOrEqualTo(4);
      assertThat(Scrape.value(metrics, "sealpost_messages_accepted_total")).isEqualTo(1);
      assertThat(Scrape.value(metrics, "sealpost_messages_delivered_total")).isGreaterThanOrEqualTo(2);
      assertThat(Scrape.value(metrics, "sealpost_messages_acked_total")).isGreaterThanOrEqualTo(2);
      assertThat(Scrape.value(metrics, "sealpost_delivery_latency_seconds_count")).isEqualTo(1);
      assertThat(Scrape.value(metrics, "sealpost_delivery_latency_seconds_bucket", "le=\"+Inf\"")).isEqualTo(1);
      assertThat(Scrape.value(metrics, "sealpost_requests_seconds_count", "route=\"PUT /v1/messages\"",
          "outcome=\"ok\"")).isEqualTo(1);
      assertThat(Scrape.value(metrics, "sealpost_store_latency_seconds_count", "store=\"MessageQueueStore\"",
          "op=\"appendOnce\"")).isGreaterThanOrEqualTo(1);
      assertThat(Scrape.value(metrics, "sealpost_store_latency_seconds_count", "store=\"AccountStore\"", "op=\"get\""))
          .isGreaterThanOrEqualTo(1);
      // Each event loop ticks every 200 ms: on a fast run the first tick may still be ahead.
      Await.until("an event-loop lag sample", Duration.ofSeconds(10),
          () -> Scrape.metric(base, "sealpost_eventloop_lag_seconds_count") > 0);
      assertThat(Scrape.value(metrics, "sealpost_cluster_members")).isEqualTo(1);
      assertThat(Scrape.value(metrics, "sealpost_ratelimit_rejected_total")).isEqualTo(0);
      assertThat(Scrape.value(metrics, "sealpost_blocked_thread_events_total")).isGreaterThanOrEqualTo(0);
      if (TestServer.onCassandra()) {
        // The queue depth is RocksDB's own key estimate; Cassandra has no cheap count of a table's
        // rows, so a server on it does not pretend to have one (docs/operations.md says so).
        assertThat(metrics).doesNotContain("sealpost_queue_envelopes");
      } else {
        assertThat(Scrape.value(metrics, "sealpost_queue_envelopes")).isGreaterThanOrEqualTo(0);
      }
      assertThat(Scrape.value(metrics, "process_resident_memory_bytes")).isPositive();
      assertThat(Scrape.value(metrics, "jvm_memory_used_bytes")).isPositive();
    }
  }
}
