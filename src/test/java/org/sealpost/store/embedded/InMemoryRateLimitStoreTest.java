package org.sealpost.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;
import static org.sealpost.store.Awaits.awaitFailure;

import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.sealpost.store.RateLimitStore;
import org.sealpost.store.RateLimitStoreContract;

class InMemoryRateLimitStoreTest extends RateLimitStoreContract {

  @Override
  protected RateLimitStore newStore(Vertx vertx, Clock clock) {
    return new InMemoryRateLimitStore(clock);
  }

  @Test
  void fullBucketsAreSwept() {
    InMemoryRateLimitStore buckets = (InMemoryRateLimitStore) store;
    await(buckets.take("a", 5, EVERY, 1));
    await(buckets.take("b", 5, EVERY, 5));
    clock.advance(EVERY);
    buckets.sweep(clock.instant().toEpochMilli() * 1_000_000);
    assertThat(buckets.size()).isEqualTo(1);
    clock.advance(EVERY.multipliedBy(4));
    buckets.sweep(clock.instant().toEpochMilli() * 1_000_000);
    assertThat(buckets.size()).isZero();
    for (int i = 0; i < 5; i++) {
      assertThat(await(buckets.take("b", 5, EVERY, 1))).isZero();
    }
  }

  @Test
  void impossibleTakesAreRefused() {
    assertThat(awaitFailure(store.take("k", 5, EVERY, 6)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(awaitFailure(store.take("k", 5, Duration.ZERO, 1)))
        .isInstanceOf(IllegalArgumentException.class);
    // A full bucket of two 200-year intervals is more nanoseconds than a long holds.
    assertThat(awaitFailure(store.take("k", 2, Duration.ofDays(365 * 200), 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("regenerateEvery is too long");
  }
}
