package org.sealpost.limits;

import java.time.Duration;

/**
 * A token bucket: {@code bucketSize} requests at once, then one more every {@code regenerateEvery}.
 * Configured as {@code limits.<id>} (config/ reads it; {@link Limit} holds the defaults).
 */
public record RateLimitConfig(int bucketSize, Duration regenerateEvery) {
  public RateLimitConfig {
    if (bucketSize <= 0) {
      throw new IllegalArgumentException("limits.*.bucketSize must be > 0");
    }
    if (regenerateEvery == null || regenerateEvery.toNanos() <= 0) {
      throw new IllegalArgumentException("limits.*.regenerateEvery must be > 0");
    }
  }
}
