package org.sealpost.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FailoverTest {
  private static final URI A = URI.create("http://127.0.0.1:8001");
  private static final URI B = URI.create("http://127.0.0.1:8002");
  private static final URI C = URI.create("http://127.0.0.1:8003");

  private final Failover failover = new Failover(List.of(A, B, C), Duration.ofMillis(100), Duration.ofSeconds(2),
      new Random(7));

  @Test
  void nodesAreTriedInTurnStartingWithTheFirst() {
    assertThat(List.of(failover.next(0), failover.next(0), failover.next(0), failover.next(0)))
        .containsExactly(A, B, C, A);
  }

  @Test
  void aNodeThatAskedClientsToLeaveIsSkippedWhileItAsked() {
    assertThat(failover.next(0)).isEqualTo(A);
    failover.avoid(B, Duration.ofSeconds(30), 0);

    assertThat(failover.next(0)).isEqualTo(C);
    assertThat(failover.next(0)).isEqualTo(A);
    assertThat(failover.next(Duration.ofSeconds(31).toNanos())).isEqualTo(B);
  }

  @Test
  void whenEveryNodeIsAvoidedTheNextInTurnIsTriedAnyway() {
    for (URI server : List.of(A, B, C)) {
      failover.avoid(server, Duration.ofSeconds(30), 0);
    }

    assertThat(failover.next(0)).isEqualTo(A);
    assertThat(failover.next(0)).isEqualTo(B);
  }

  @Test
  void backoffGrowsWithFailuresUpToTheCapAndResetsOnSuccess() {
    assertThat(failover.delay()).isZero();
    failover.failed();
    Duration first = failover.delay();
    assertThat(first).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
    for (int i = 0; i < 30; i++) {
      failover.failed();
    }
    assertThat(failover.delay()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));

    failover.connected();
    assertThat(failover.delay()).isZero();
  }
}
