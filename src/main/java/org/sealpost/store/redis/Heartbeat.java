package org.sealpost.store.redis;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Re-asserts, on a timer, the Redis entries this process holds (they carry a TTL): a process
 * that stops beating (crash, kill, stalled event loop) lets them expire. One beat runs at a time:
 * a tick that finds the last beat still going is skipped. A failed beat is left to the next one.
 */
final class Heartbeat {
  private final Vertx vertx;
  private final Supplier<Future<?>> beat;
  private final AtomicBoolean beating = new AtomicBoolean();
  private volatile long timerId = -1;

  Heartbeat(Vertx vertx, Supplier<Future<?>> beat) {
    this.vertx = vertx;
    this.beat = beat;
  }

  void start(Duration every) {
    timerId = vertx.setPeriodic(every.toMillis(), id -> beat());
  }

  /** Stops beating; what is held expires within its TTL. */
  void stop() {
    long id = timerId;
    timerId = -1;
    if (id >= 0) {
      vertx.cancelTimer(id);
    }
  }

  /** One beat now (unless one is running); completes when it is done, successfully or not. */
  Future<Void> beat() {
    if (!beating.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    return beat.get().<Void>mapEmpty().eventually(() -> {
      beating.set(false);
      return Future.succeededFuture();
    });
  }
}
