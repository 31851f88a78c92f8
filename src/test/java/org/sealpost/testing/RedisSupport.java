package org.sealpost.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.sealpost.store.redis.RedisStoreOptions;
import org.sealpost.store.redis.RedisStores;

/**
 * The Redis that {@code @Tag("external")} tests run against: {@code SEALPOST_TEST_REDIS} (system
 * property, then environment), else {@code redis://127.0.0.1:6380}, the instance that
 * {@code scripts/redis-start.sh} starts. Each test works under its own key prefix, so tests never
 * see each other's keys and need no FLUSHDB on a Redis that may be shared.
 */
public final class RedisSupport {
  public static final String ADDRESS_VARIABLE = "SEALPOST_TEST_REDIS";
  private static final long TIMEOUT_SECONDS = 15;

  private RedisSupport() {}

  public static String connectionString() {
    String property = System.getProperty(ADDRESS_VARIABLE);
    if (property != null && !property.isBlank()) {
      return property;
    }
    String env = System.getenv(ADDRESS_VARIABLE);
    return env != null && !env.isBlank() ? env : RedisStoreOptions.DEFAULT_CONNECTION_STRING;
  }

  /** A key prefix no other test uses. */
  public static String uniquePrefix() {
    return "sealpost-test:" + UUID.randomUUID() + ":";
  }

  /** The default options at the test Redis, under {@code prefix}. */
  public static RedisStoreOptions options(String prefix) {
    return RedisStoreOptions.of(connectionString()).withKeyPrefix(prefix);
  }

  /** Connected stores; a Redis that does not answer fails the test with how to start one. */
  public static RedisStores connect(Vertx vertx, RedisStoreOptions options) {
    try {
      return get(RedisStores.connect(vertx, options), TIMEOUT_SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("no Redis at " + options.redactedConnectionString() + " ("
          + e.getCause().getMessage() + "); start one with scripts/redis-start.sh, or point "
          + ADDRESS_VARIABLE + " at one", e.getCause());
    }
  }

  /** A plain client to look at keys directly; keep it in a field for the test's duration. */
  public static Redis client(Vertx vertx) {
    return Redis.createClient(vertx, connectionString());
  }

  /**
   * Calls {@code call} every {@code every} until its result satisfies {@code done} (returned), or
   * fails the test once {@code deadline} has passed. Waits on Vert.x timers, not sleeps.
   */
  public static <T> T awaitUntil(Vertx vertx, Supplier<Future<T>> call, Predicate<T> done,
      Duration every, Duration deadline) {
    long giveUpAt = System.nanoTime() + deadline.toNanos();
    try {
      return get(poll(vertx, call, done, every.toMillis(), giveUpAt),
          deadline.toSeconds() + TIMEOUT_SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError(e.getCause().getMessage(), e.getCause());
    }
  }

  private static <T> Future<T> poll(Vertx vertx, Supplier<Future<T>> call, Predicate<T> done,
      long everyMillis, long giveUpAt) {
    return call.get().compose(value -> {
      if (done.test(value)) {
        return Future.succeededFuture(value);
      }
      if (System.nanoTime() - giveUpAt > 0) {
        return Future.failedFuture(new AssertionError("still " + value + " at the deadline"));
      }
      return vertx.timer(Math.max(1, everyMillis))
          .compose(fired -> poll(vertx, call, done, everyMillis, giveUpAt));
    });
  }

  private static <T> T get(Future<T> future, long seconds) throws ExecutionException {
    try {
      return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("no result within " + seconds + " s", e);
    }
  }
}
