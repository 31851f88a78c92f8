package org.sealpost.limits;

import static org.sealpost.limits.Attempts.loginFrom;
import static org.sealpost.limits.Attempts.refusal;
import static org.sealpost.limits.Attempts.restFrom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;
import static org.sealpost.testing.Await.failure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.client.RequestFailedException;
import org.sealpost.client.RestClient;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.testing.TestServer;

/**
 * Two nodes on one Cassandra and one Redis share their rate limits, as a cluster behind a load
 * balancer must: an attacker spreading its attempts over the nodes gets no more than from one.
 */
@Tag("external")
class SharedRateLimitsIT {
  private static final Duration NO_REFILL = Duration.ofHours(1);

  @TempDir Path dir;
  private TestServer first;
  private TestServer second;

  @BeforeEach
  void start() {
    String sharedPrefix = "sealpost-test-" + UUID.randomUUID() + ":";
    Map<String, RateLimitConfig> limits = new HashMap<>(RateLimiters.unlimited());
    limits.put(Limit.AUTH_FAILURE_PER_IP.id(), new RateLimitConfig(3, NO_REFILL));
    limits.put(Limit.VERIFY_PER_SESSION.id(), new RateLimitConfig(3, NO_REFILL));
    first = new TestServer(dir.resolve("first"),
        config -> TestServer.onProductionStores(config, sharedPrefix).withLimits(limits));
    second = new TestServer(dir.resolve("second"),
        config -> TestServer.onProductionStores(config, sharedPrefix).withLimits(limits));
  }

  @AfterEach
  void stop() {
    if (second != null) {
      second.close();
    }
    if (first != null) {
      first.close();
    }
  }

  @Test
  void failedLoginsCountOnEveryNode() {
    DeviceCredentials alice = first.register();
    List<TestServer> turns = List.of(first, second, first);
    for (TestServer node : turns) {
      assertThat(loginFrom(node, "127.0.0.2", alice, "wrong")).isEqualTo(401);
    }

    assertThat(loginFrom(second, "127.0.0.2", alice, "wrong")).as("the 4th, on the node that saw 1")
        .isEqualTo(429);
    assertThat(loginFrom(second, "127.0.0.3", alice, "wrong")).as("another address").isEqualTo(401);
    assertThat(loginFrom(second, "127.0.0.2", alice, alice.getPassword())).isEqualTo(200);
  }

  @Test
  void codeGuessesInOneSessionCountOnEveryNode() {
    String number = TestServer.newNumber();
    String session = await(first.rest().requestCode(number)).getSessionId();
    List<TestServer> turns = List.of(first, second, first);
    for (int guess = 0; guess < turns.size(); guess++) {
      RestClient node = restFrom(turns.get(guess), "127.0.0.2");
      assertThat(refusal(node.verify(number, session, String.format("%06d", guess), 7, "x"))).isEqualTo(403);
    }

    RequestFailedException spent = (RequestFailedException) failure(
        restFrom(second, "127.0.0.2").verify(number, session, TestServer.TEST_CODE, 7, "x"));
    assertThat(spent.status()).as("the 4th guess, on the node that saw 1").isEqualTo(429);
    assertThat(spent.error().getCode()).isEqualTo("RATE_LIMITED");
    assertThat(spent.error().getRetryAfterMs()).isPositive();
  }
}
