package org.sealpost.store.embedded;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import org.sealpost.store.RateLimitStore;

/**
 * Token buckets in this process, for a single node. Each bucket is kept as one number, the instant
 * it will be full again (the "theoretical arrival time" of GCRA): taking n tokens moves it n
 * regeneration intervals later, and a take that would push it further than a full bucket's worth of
 * intervals past now is refused. That is an exact token bucket with fractional refill and needs no
 * timer; {@link ConcurrentHashMap#compute} makes each take atomic. A bucket that is full again
 * carries no information, so such entries are swept now and then to keep memory bounded by the keys
 * active recently.
 */
public final class InMemoryRateLimitStore implements RateLimitStore {
  /** Sweep full buckets once per this many takes. */
  private static final int SWEEP_EVERY = 4_096;

  private final Clock clock;
  private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final AtomicLong takes = new AtomicLong();

  public InMemoryRateLimitStore(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Future<Duration> take(String key, int bucketSize, Duration regenerateEvery, int permits) {
    // Any full bucket that fits a long of nanoseconds; permits <= bucketSize, so the cost fits too.
    return RateLimitStore.interval(bucketSize, regenerateEvery, permits, ChronoUnit.NANOS, Long.MAX_VALUE)
        .map(interval -> take(key, interval * bucketSize, interval * permits));
  }

  /** Takes {@code cost} from the bucket holding at most {@code capacity} (ns); the wait when refused. */
  private Duration take(String key, long capacity, long cost) {
    long now = nanos(clock.instant());
    long[] wait = {0};
    buckets.compute(
        key,
        (k, bucket) -> {
          long fullAt = bucket == null ? now : Math.max(bucket.fullAt(), now);
          long taken = fullAt + cost;
          long overdraft = taken - now - capacity;
          if (overdraft > 0) {
            wait[0] = overdraft;
            return bucket;
          }
          return new Bucket(taken);
        });
    if (takes.incrementAndGet() % SWEEP_EVERY == 0) {
      sweep(now);
    }
    return Duration.ofNanos(wait[0]);
  }

  /** How many buckets are held; full ones may or may not have been swept yet. */
  int size() {
    return buckets.size();
  }

  /** Drops full buckets; remove(key, value) leaves any bucket a concurrent take just changed. */
  void sweep(long nowNanos) {
    buckets.forEach(
        (key, bucket) -> {
          if (bucket.fullAt() <= nowNanos) {
            buckets.remove(key, bucket);
          }
        });
  }

  private static long nanos(Instant instant) {
    return Math.addExact(
        Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
  }

  /** A bucket that will hold all its tokens again at {@code fullAt} (ns since the epoch). */
  private record Bucket(long fullAt) {}
}
