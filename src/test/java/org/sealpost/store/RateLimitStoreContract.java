package org.sealpost.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;
import static org.sealpost.store.Awaits.inParallel;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What every {@link RateLimitStore} must do; a backend's test extends this. */
@ExtendWith(VertxExtension.class)
public abstract class RateLimitStoreContract {
  protected static final Duration EVERY = Duration.ofSeconds(10);

  protected MutableClock clock;
  protected RateLimitStore store;

  /** A new, empty store reading time from {@code clock}. */
  protected abstract RateLimitStore newStore(Vertx vertx, Clock clock) throws Exception;

  @BeforeEach
  void createStore(Vertx vertx) throws Exception {
    clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    store = newStore(vertx, clock);
  }

  @Test
  void aFullBucketAllowsItsSizeThenRefuses() {
    for (int i = 0; i < 5; i++) {
      assertThat(await(store.take("k", 5, EVERY, 1))).isZero();
    }
    Duration retryAfter = await(store.take("k", 5, EVERY, 1));
    assertThat(retryAfter).isPositive().isLessThanOrEqualTo(EVERY);
  }

  @Test
  void aBucketRefills() {
    for (int i = 0; i < 5; i++) {
      await(store.take("k", 5, EVERY, 1));
    }
    assertThat(await(store.take("k", 5, EVERY, 1))).isPositive();
    clock.advance(EVERY);
    assertThat(await(store.take("k", 5, EVERY, 1))).isZero();
    assertThat(await(store.take("k", 5, EVERY, 1))).isPositive();
    clock.advance(EVERY.multipliedBy(100));
    for (int i = 0; i < 5; i++) {
      assertThat(await(store.take("k", 5, EVERY, 1))).isZero();
    }
    assertThat(await(store.take("k", 5, EVERY, 1))).isPositive();
  }

  @Test
  void retryAfterSaysWhenEnoughTokensAreBack() {
    assertThat(await(store.take("k", 5, EVERY, 5))).isZero();
    Duration retryAfter = await(store.take("k", 5, EVERY, 2));
    assertThat(retryAfter).isEqualTo(EVERY.multipliedBy(2));
    clock.advance(retryAfter.minusMillis(1));
    assertThat(await(store.take("k", 5, EVERY, 2))).isPositive();
    clock.advance(Duration.ofMillis(1));
    assertThat(await(store.take("k", 5, EVERY, 2))).isZero();
  }

  @Test
  void aRefusedTakeTakesNothing() {
    assertThat(await(store.take("k", 5, EVERY, 4))).isZero();
    assertThat(await(store.take("k", 5, EVERY, 2))).isPositive();
    assertThat(await(store.take("k", 5, EVERY, 1))).isZero();
  }

  @Test
  void keysHaveTheirOwnBuckets() {
    assertThat(await(store.take("a", 1, EVERY, 1))).isZero();
    assertThat(await(store.take("a", 1, EVERY, 1))).isPositive();
    assertThat(await(store.take("b", 1, EVERY, 1))).isZero();
  }

  @Test
  void concurrentTakesNeverOverspend() {
    List<Duration> results = inParallel(20, i -> store.take("k", 10, EVERY, 1));
    assertThat(results).filteredOn(Duration::isZero).hasSize(10);
    assertThat(results).filteredOn(d -> !d.isZero() && !d.isNegative()).hasSize(10);
  }
}
