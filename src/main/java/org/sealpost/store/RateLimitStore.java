package org.sealpost.store;

import io.vertx.core.Future;
import java.time.Duration;

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

  /** The arguments every implementation refuses: throws IllegalArgumentException naming the problem. */
  static void checkArguments(int bucketSize, Duration regenerateEvery, int permits) {
    if (bucketSize < 1 || permits < 1 || permits > bucketSize) {
      throw new IllegalArgumentException("need 1 <= permits <= bucketSize, got " + permits + " of " + bucketSize);
    }
    if (regenerateEvery.isNegative() || regenerateEvery.isZero()) {
      throw new IllegalArgumentException("regenerateEvery must be positive");
    }
  }
}
