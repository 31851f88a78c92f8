package org.sealpost.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.BooleanSupplier;

/** The scenarios' waits, on Vert.x timers (a scenario never blocks a thread to wait). */
final class Timers {
  private Timers() {}

  /** Completes after {@code millis} on a timer. */
  static Future<Void> after(Vertx vertx, long millis) {
    Promise<Void> promise = Promise.promise();
    vertx.setTimer(Math.max(1, millis), id -> promise.complete());
    return promise.future();
  }

  /** Completes with true once the condition holds, false at the deadline; checked every 50 ms. */
  static Future<Boolean> poll(Vertx vertx, BooleanSupplier condition, long deadlineMillis) {
    if (condition.getAsBoolean()) {
      return Future.succeededFuture(true);
    }
    if (System.currentTimeMillis() >= deadlineMillis) {
      return Future.succeededFuture(false);
    }
    return after(vertx, 50).compose(v -> poll(vertx, condition, deadlineMillis));
  }
}
