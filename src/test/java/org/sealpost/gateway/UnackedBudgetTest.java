package org.sealpost.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;

import io.vertx.core.Future;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.protocol.Envelope;
import org.sealpost.testing.Await;
import org.sealpost.testing.TestDevice;
import org.sealpost.testing.TestServer;

/**
 * Readers that take every delivery and never answer (#19, item 1): each may pin only its own
 * byte budget of unacked deliveries, the node as a whole only its budget plus one delivery per
 * connection, and once they stay silent for the ack timeout they are parked and give their
 * credit back. Meanwhile other devices log in and get their messages as fast as ever, and no
 * message is lost: a parked reader that answers at last gets the rest.
 */
class UnackedBudgetTest {
  private static final int PER_CONNECTION = 256 * 1024;
  private static final long PER_NODE = 1024 * 1024;
  private static final Duration ACK_TIMEOUT = Duration.ofSeconds(2);
  private static final int READERS = 12;
  private static final int MESSAGES_EACH = 10;
  private static final String LARGE = "x".repeat(60 * 1024);

  @TempDir Path dir;

  @Test
  void silentReadersPinOnlyTheirBudgetsAndAreParked() throws Exception {
    try (TestServer server = new TestServer(dir.resolve("data"),
        config -> config.withGateway(config.gateway().withUnackedBudgets(PER_CONNECTION, PER_NODE, ACK_TIMEOUT)))) {
      List<TestDevice> readers = new ArrayList<>();
      for (int i = 0; i < READERS; i++) {
        TestDevice reader = server.device(server.register());
        reader.holdDeliveries();
        readers.add(reader);
      }
      AtomicLong peak = new AtomicLong();
      long sampler = server.clients().setPeriodic(2, id -> peak.accumulateAndGet(unacked(server), Math::max));
      try (TestDevice alice = server.device(server.register()); TestDevice bob = server.device(server.register())) {
        List<Future<?>> sends = new ArrayList<>();
        for (TestDevice reader : readers) {
          for (int i = 0; i < MESSAGES_EACH; i++) {
            sends.add(alice.sendAsync(reader.number(), List.of(1), TestDevice.newMessageId(), LARGE));
          }
        }
        for (Future<?> send : sends) {
          await(send, 30);
        }

        // Others keep their latency while the readers hold what they may.
        long slowest = 0;
        for (int i = 0; i < 20; i++) {
          long start = System.nanoTime();
          alice.send(bob.number(), List.of(1), TestDevice.newMessageId(), "ping " + i);
          Envelope got = bob.next(5);
          assertThat(got.getType()).isEqualTo(Envelope.Type.MESSAGE);
          slowest = Math.max(slowest, System.nanoTime() - start);
        }
        assertThat(Duration.ofNanos(slowest)).as("slowest send-to-delivery of the other pair").isLessThan(Duration.ofSeconds(1));
        long loginStart = System.nanoTime();
        server.device(server.register()).close();
        assertThat(Duration.ofNanos(System.nanoTime() - loginStart)).as("a login meanwhile").isLessThan(Duration.ofSeconds(2));

        // Parked once silent for the ack timeout: the node's credit comes back.
        Await.until("the silent readers' credit given back", Duration.ofSeconds(10), () -> unacked(server) == 0);
        assertThat(server.server().meters().get("sealpost.gateway.parked.devices").counter().count())
            .isGreaterThanOrEqualTo(READERS);
      } finally {
        server.clients().cancelTimer(sampler);
      }
      long envelope = LARGE.length() + 200;
      assertThat(peak.get()).as("peak unacked bytes on the node").isLessThanOrEqualTo(PER_NODE + (READERS + 2) * envelope);
      int delivered = 0;
      for (TestDevice reader : readers) {
        assertThat(reader.inboxSize()).as("deliveries to one silent reader").isBetween(1, (int) (PER_CONNECTION / envelope));
        delivered += reader.inboxSize();
      }
      assertThat(delivered).as("deliveries to all silent readers").isLessThan(READERS * MESSAGES_EACH);

      // Waiting readers do not spin on their queues: a full budget waits for an answer, missing
      // credit looks again every 50 ms (a spinning wait read them some 15,000 times here).
      long queueReads = server.server().meters().find("sealpost.store.latency").tag("op", "read").timers().stream()
          .mapToLong(timer -> timer.count()).sum();
      assertThat(queueReads).as("queue reads while the readers waited").isLessThan(READERS * 100);
      // A parked reader gets nothing more, until it answers; then the rest, nothing lost.
      TestDevice late = readers.get(0);
      List<Envelope> got = new ArrayList<>(late.take(late.inboxSize(), 1));
      assertThat(late.receivesNothingFor(ACK_TIMEOUT.toMillis())).isTrue();
      late.answerHeld(200);
      got.addAll(late.take(MESSAGES_EACH - got.size(), 10));
      assertThat(got.stream().map(Envelope::getMessageId).distinct()).hasSize(MESSAGES_EACH);
      readers.forEach(TestDevice::close);
    }
  }

  private static long unacked(TestServer server) {
    return (long) server.server().meters().get("sealpost.gateway.unacked.bytes").gauge().value();
  }
}
