package org.sealpost.store.redis;

import io.vertx.core.Future;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.sealpost.store.RateLimitStore;

/**
 * Token buckets in Redis, shared by every node. The algorithm is the in-memory store's GCRA: a
 * bucket is one number, the instant it is full again, and a take moves it later by the permits'
 * worth of regeneration intervals unless that would overdraw the bucket.
 *
 * <p>Why one Lua script ({@code redis/rate-limit-take.lua}) per take: Redis runs a script
 * atomically, so concurrent takes from any number of nodes never spend more tokens than the bucket
 * holds, in one round trip and without WATCH retries. Why Redis time ({@code TIME} inside the
 * script) rather than the caller's clock: nodes whose clocks disagree would otherwise refill the
 * same bucket at different rates. A bucket key expires (PX) at the instant it is full again, when
 * it carries no information, so memory is bounded by the recently active keys.
 *
 * <p>Redis time has microsecond resolution: {@code regenerateEvery} is rounded up to whole
 * microseconds, and a bucket's capacity ({@code bucketSize × regenerateEvery}) may be at most 2^52
 * µs (about 142 years) so that every value stays exact in Lua's double-precision numbers.
 */
final class RedisRateLimitStore implements RateLimitStore {
  static final LuaScript TAKE = LuaScript.load("rate-limit-take");
  private static final long MAX_CAPACITY_MICROS = 1L << 52;

  private final RedisCommands redis;
  private final String keyPrefix;

  /**
   * @param keyPrefix put before every bucket key (e.g. {@code sealpost:rl:})
   */
  RedisRateLimitStore(RedisCommands redis, String keyPrefix) {
    this.redis = redis;
    this.keyPrefix = keyPrefix;
  }

  @Override
  public Future<Duration> take(String key, int bucketSize, Duration regenerateEvery, int permits) {
    return RateLimitStore.interval(bucketSize, regenerateEvery, permits, ChronoUnit.MICROS, MAX_CAPACITY_MICROS)
        .compose(intervalMicros -> redis.eval(TAKE, List.of(keyPrefix + key),
            List.of(Long.toString(intervalMicros), Integer.toString(bucketSize), Integer.toString(permits))))
        .map(waitMicros -> Duration.of(waitMicros.toLong(), ChronoUnit.MICROS));
  }
}
