package org.sealpost.limits;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.sealpost.errors.RateLimitedException;
import org.sealpost.store.RateLimitStore;

/** Checks the configured limits against the shared {@link RateLimitStore}. */
public final class RateLimiters {
  private final RateLimitStore store;
  private final Map<Limit, RateLimitConfig> configs = new EnumMap<>(Limit.class);

  public RateLimiters(RateLimitStore store, Map<String, RateLimitConfig> overrides) {
    this.store = store;
    for (Limit limit : Limit.values()) {
      configs.put(limit, overrides.getOrDefault(limit.id(), limit.defaults()));
    }
  }

  /** Takes one permit for {@code key}; fails with {@link RateLimitedException} when none is left. */
  public Future<Void> check(Limit limit, String key) {
    return check(limit, key, 1);
  }

  /**
   * Takes {@code permits} permits for {@code key} at once (a quota counted in units, such as MiB
   * of media, or numbers looked up; 0 takes nothing); fails with
   * {@link RateLimitedException} when fewer are left, and with a bad request when the bucket could
   * never hold that many.
   */
  public Future<Void> check(Limit limit, String key, int permits) {
    RateLimitConfig config = configs.get(limit);
    if (permits <= 0) {
      return Future.succeededFuture();
    }
    if (permits > config.bucketSize()) {
      return Future.failedFuture(org.sealpost.errors.SealpostException.badRequest(
          "at most " + config.bucketSize() + " at once (limits." + limit.id() + ")"));
    }
    return store.take(limit.id() + ":" + key, config.bucketSize(), config.regenerateEvery(), permits)
        .compose(wait -> wait.isZero()
            ? Future.succeededFuture()
            : Future.failedFuture(new RateLimitedException(limit.id(), wait)));
  }

  public RateLimitConfig config(Limit limit) {
    return configs.get(limit);
  }

  /** Effectively unlimited, for tests of everything but the limits. */
  public static Map<String, RateLimitConfig> unlimited() {
    Map<String, RateLimitConfig> all = new java.util.HashMap<>();
    for (Limit limit : Limit.values()) {
      all.put(limit.id(), new RateLimitConfig(1_000_000, Duration.ofNanos(1)));
    }
    return all;
  }
}
