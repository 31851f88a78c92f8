package org.sealpost.ops;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Whether this node should get traffic: not while draining, and only when each dependency
 * (the stores; the cluster when clustered) answers a cheap probe within {@link #TIMEOUT}. The
 * answer is cached for {@link #CACHE} so a load balancer polling often costs the stores nothing.
 */
public final class Readiness {
  static final Duration TIMEOUT = Duration.ofSeconds(2);
  static final Duration CACHE = Duration.ofSeconds(1);

  /** One dependency: its name and a cheap call that fails when it is unreachable. */
  public record Check(String name, Supplier<Future<?>> probe) {}

  /** The verdict: ready, and each check's state ("ok", "draining" or the failure). */
  public record Status(boolean ready, Map<String, String> checks) {}

  private final Vertx vertx;
  private final List<Check> checks;
  private final BooleanSupplier draining;
  private Future<Status> cached;
  private long cachedAt;

  public Readiness(Vertx vertx, List<Check> checks, BooleanSupplier draining) {
    this.vertx = vertx;
    this.checks = List.copyOf(checks);
    this.draining = draining;
  }

  /** The current verdict (a cached one when less than {@link #CACHE} old). */
  public synchronized Future<Status> status() {
    if (draining.getAsBoolean()) {
      return Future.succeededFuture(new Status(false, Map.of("node", "draining")));
    }
    long now = System.nanoTime();
    if (cached == null || now - cachedAt > CACHE.toNanos()) {
      cachedAt = now;
      cached = probe();
    }
    return cached;
  }

  private Future<Status> probe() {
    List<Future<String>> results = new ArrayList<>();
    for (Check check : checks) {
      Future<?> probe;
      try {
        probe = check.probe().get();
      } catch (RuntimeException e) {
        probe = Future.failedFuture(e);
      }
      results.add(probe.timeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .map(ok -> "ok")
          .otherwise(err -> "failed: " + (err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage())));
    }
    return Future.join(results).transform(ignored -> {
      Map<String, String> states = new LinkedHashMap<>();
      boolean ready = true;
      for (int i = 0; i < checks.size(); i++) {
        String state = results.get(i).result();
        states.put(checks.get(i).name(), state);
        ready &= "ok".equals(state);
      }
      return Future.succeededFuture(new Status(ready, states));
    });
  }
}
