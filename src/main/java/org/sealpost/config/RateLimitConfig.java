package org.sealpost.config;

import java.time.Duration;

/**
 * A token bucket: {@code bucketSize} requests at once, then one more every {@code regenerateEvery}.
 */
public record RateLimitConfig(int bucketSize, Duration regenerateEvery) {
  public RateLimitConfig {
    SealpostConfig.check(bucketSize > 0, "limits.*.bucketSize must be > 0");
    SealpostConfig.check(regenerateEvery != null && regenerateEvery.toNanos() > 0,
        "limits.*.regenerateEvery must be > 0");
  }
}
