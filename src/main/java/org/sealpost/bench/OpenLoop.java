package org.sealpost.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Open-loop load: {@code send} is called at the target rate (in 10 ms ticks) for the duration,
 * whatever the answers do, so a slow server shows as latency rather than as a lower send rate.
 * A send while {@code maxOutstanding} are unanswered is skipped and counted as an error.
 */
final class OpenLoop {
  private OpenLoop() {}

  /** Completes after the duration with the number of messages sent. */
  static Future<Long> run(Vertx vertx, BenchOptions options, AtomicLong outstanding, AtomicLong errors, Runnable send) {
    double perTick = options.rate() / 100.0;
    double[] carry = {0};
    long[] sent = {0};
    long timer = vertx.setPeriodic(10, id -> {
      carry[0] += perTick;
      int now = (int) carry[0];
      carry[0] -= now;
      for (int i = 0; i < now; i++) {
        if (outstanding.get() >= options.maxOutstanding()) {
          errors.incrementAndGet();
          continue;
        }
        send.run();
        sent[0]++;
      }
    });
    return BenchCommand.after(vertx, options.durationSeconds() * 1000L).map(v -> {
      vertx.cancelTimer(timer);
      return sent[0];
    });
  }
}
