package org.sealpost.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;
import static org.sealpost.store.Awaits.awaitFailure;
import static org.sealpost.store.Awaits.inParallel;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealpost.store.RateLimitStore;
import org.sealpost.store.RateLimitStoreContract;
import org.sealpost.testing.RedisSupport;

@Tag("external")
class RedisRateLimitStoreIT extends RateLimitStoreContract {
  private static final Duration FAST = Duration.ofMillis(200);
  private static final Duration POLL = Duration.ofMillis(10);

  @RegisterExtension
  static final ContractCases REDIS_TIME = ContractCases.skip(Map.of(
      "aBucketRefills",
      "moves a fake Clock, but Redis refills on its own TIME; see refillsOnRedisTime",
      "retryAfterSaysWhenEnoughTokensAreBack",
      "expects an exact retry-after on a frozen Clock; on Redis TIME it is shorter by the real"
          + " time between the takes; see retryAfterCountsDownOnRedisTime"));

  @RegisterExtension final RedisNodes nodes = new RedisNodes();
  private final String prefix = nodes.prefix();
  private Vertx vertx;
  private RedisStores stores;

  @Override
  protected RateLimitStore newStore(Vertx vertx, Clock clock) {
    this.vertx = vertx;
    stores = nodes.open(vertx);
    return stores.rateLimits();
  }

  @Test
  void refillsOnRedisTime() {
    assertThat(await(store.take("k", 2, FAST, 2))).isZero();
    long refusedBefore = System.nanoTime();
    Duration retryAfter = await(store.take("k", 2, FAST, 1));
    assertThat(retryAfter).isPositive().isLessThanOrEqualTo(FAST);

    awaitAllowed("k", 2, FAST, 1);
    assertThat(Duration.ofNanos(System.nanoTime() - refusedBefore))
        .as("allowed no earlier than the retry-after said")
        .isGreaterThanOrEqualTo(retryAfter);
    assertThat(await(store.take("k", 2, FAST, 1))).as("one token came back, not two").isPositive();

    awaitAllowed("k", 2, FAST, 2);
  }

  @Test
  void retryAfterCountsDownOnRedisTime() {
    assertThat(await(store.take("k", 5, EVERY, 5))).isZero();
    Duration first = await(store.take("k", 5, EVERY, 2));
    assertThat(first).isLessThanOrEqualTo(EVERY.multipliedBy(2))
        .isGreaterThan(EVERY.multipliedBy(2).minusSeconds(1));
    Duration later = RedisSupport.awaitUntil(vertx, () -> store.take("k", 5, EVERY, 2),
        wait -> wait.compareTo(first) < 0, POLL, Duration.ofSeconds(5));
    assertThat(later).isPositive();
  }

  @Test
  void aBucketKeyExpiresWhenTheBucketIsFullAgain() {
    Redis inspect = nodes.inspect(vertx);
    String key = prefix + "rl:k";
    assertThat(await(store.take("k", 3, FAST, 2))).isZero();
    long pttl = await(inspect.send(Request.cmd(Command.PTTL).arg(key))).toLong();
    assertThat(pttl).isPositive().isLessThanOrEqualTo(FAST.multipliedBy(2).toMillis());

    RedisSupport.awaitUntil(vertx,
        () -> inspect.send(Request.cmd(Command.EXISTS).arg(key)).map(exists -> exists.toLong()),
        exists -> exists == 0, POLL, Duration.ofSeconds(5));
    for (int i = 0; i < 3; i++) {
      assertThat(await(store.take("k", 3, FAST, 1))).isZero();
    }
  }

  @Test
  void fiftyConcurrentTakesFromTwoNodesSpendExactlyTheBucket() {
    RedisStores otherNode = nodes.open(vertx);
    RateLimitStore[] nodes = {store, otherNode.rateLimits()};
    List<Duration> results = inParallel(50, i -> nodes[i % 2].take("shared", 20, EVERY, 1));
    assertThat(results).filteredOn(Duration::isZero).hasSize(20);
    assertThat(results).filteredOn(d -> !d.isZero() && !d.isNegative()).hasSize(30);
  }

  @Test
  void aBucketLeftOverIsKeptBetweenNodes() {
    RedisStores otherNode = nodes.open(vertx);
    assertThat(await(store.take("k", 3, EVERY, 2))).isZero();
    assertThat(await(otherNode.rateLimits().take("k", 3, EVERY, 2))).isPositive();
    assertThat(await(otherNode.rateLimits().take("k", 3, EVERY, 1))).isZero();
  }

  @Test
  void nanosecondIntervalsAreRoundedUpToMicroseconds() {
    assertThat(await(store.take("k", 1_000_000, Duration.ofNanos(1), 1))).isZero();
    assertThat(await(store.take("k", 1, Duration.ofNanos(1_500), 1))).isZero();
  }

  @Test
  void impossibleTakesAreRefused() {
    assertThat(awaitFailure(store.take("k", 5, EVERY, 6)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(awaitFailure(store.take("k", 5, Duration.ZERO, 1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(awaitFailure(store.take("k", 2, Duration.ofDays(365 * 100), 1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void scriptsAreSentAgainAfterAFlush() {
    Redis inspect = nodes.inspect(vertx);
    await(inspect.send(Request.cmd(Command.SCRIPT).arg("FLUSH")));
    assertThat(await(store.take("k", 1, EVERY, 1))).isZero();
    assertThat(await(store.take("k", 1, EVERY, 1))).isPositive();
  }

  @Test
  void killedConnectionsAreOpenedAgain() {
    Redis inspect = nodes.inspect(vertx);
    assertThat(await(store.take("k", 100, EVERY, 1))).isZero();
    Set<Long> killed = new HashSet<>();
    for (int i = 0; i < RedisStoreOptions.DEFAULT_CONNECTIONS; i++) {
      long id = await(stores.commands().send(Request.cmd(Command.CLIENT).arg("ID"))).toLong();
      assertThat(await(inspect.send(Request.cmd(Command.CLIENT).arg("KILL").arg("ID").arg(id)))
          .toLong()).isOne();
      killed.add(id);
    }
    assertThat(killed).as("commands go round the connections").hasSize(2);

    RedisSupport.awaitUntil(vertx, () -> store.take("k", 100, EVERY, 1).otherwise(EVERY),
        Duration::isZero, POLL, Duration.ofSeconds(5));
  }

  private void awaitAllowed(String key, int bucketSize, Duration every, int permits) {
    RedisSupport.awaitUntil(vertx, () -> store.take(key, bucketSize, every, permits),
        Duration::isZero, POLL, Duration.ofSeconds(5));
  }
}
