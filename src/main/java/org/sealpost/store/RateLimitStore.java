package org.sealpost.store;

import io.vertx.core.Future;
import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * Token buckets, keyed by string. Each take is atomic: concurrent takes never spend more
 * tokens than the bucket holds.
 */
public interface RateLimitStore {

  /**
   * Takes {@code permits} tokens from the bucket under key (capacity {@code bucketSize}, one
   * token regained every {@code regenerateEvery}). Returns {@link Duration#ZERO} when taken, or
   * how long until enough tokens are back when not (nothing is taken then).
   */
  Future<Duration> take(String key, int bucketSize, Duration regenerateEvery, int permits);

  /**
   * The regeneration interval in whole {@code unit}s (rounded up) once the arguments pass the checks
   * every implementation makes; else failed with an IllegalArgumentException naming the problem,
   * which is also what a full bucket ({@code bucketSize} intervals) of more than {@code maxCapacity}
   * units gets, as the most an implementation can count.
   */
  static Future<Long> interval(int bucketSize, Duration regenerateEvery, int permits, ChronoUnit unit,
      long maxCapacity) {
    if (bucketSize < 1 || permits < 1 || permits > bucketSize) {
      return Future.failedFuture(new IllegalArgumentException(
          "need 1 <= permits <= bucketSize, got " + permits + " of " + bucketSize));
    }
    if (regenerateEvery.isNegative() || regenerateEvery.isZero()) {
      return Future.failedFuture(new IllegalArgumentException("regenerateEvery must be positive"));
    }
    try {
      long nanos = regenerateEvery.toNanos();
      long perUnit = unit.getDuration().toNanos();
      long interval = nanos / perUnit + (nanos % perUnit == 0 ? 0 : 1);
      if (Math.multiplyExact(interval, bucketSize) <= maxCapacity) {
        return Future.succeededFuture(interval);
      }
    } catch (ArithmeticException e) {
      // Too long to count in nanoseconds, or a full bucket's worth is: too long either way.
    }
    return Future.failedFuture(new IllegalArgumentException("regenerateEvery is too long"));
  }
}
