package org.sealpost.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Open-loop load: {@code send} is called at the target rate (in 10 ms ticks) for the warm-up and
 * then the duration, whatever the answers do, so a slow server shows as latency rather than as a
 * lower send rate. A send while {@code maxOutstanding} are unanswered is skipped and counted as
 * an error. Only what is sent after the warm-up is measured: the first seconds of a fresh JVM
 * (JIT compilation on the same cores) would otherwise dominate the tail percentiles.
 */
final class OpenLoop {
  private volatile long measuredFrom = Long.MAX_VALUE;
  private volatile long measuredUntil = Long.MAX_VALUE;

  /** True for a message sent (System.nanoTime) after the warm-up. */
  boolean measured(long sentAtNanos) {
    return sentAtNanos >= measuredFrom;
  }

  /**
   * True for an answer that came (System.nanoTime) before the measured part ended: rates count
   * only those, so answers still trickling in after an overload do not inflate them.
   */
  boolean inTime(long nanos) {
    return nanos <= measuredUntil;
  }

  /** Seconds of the measured part (the duration, as it ran). */
  double measuredSeconds() {
    return (measuredUntil - measuredFrom) / 1e9;
  }

  /**
   * Completes after the warm-up and the duration with the number of measured messages sent;
   * {@code cpu} is started when the measured part starts and stopped when it ends.
   */
  Future<Long> run(Vertx vertx, BenchOptions options, AtomicLong outstanding, AtomicLong errors, Runnable send,
      CpuMeter cpu) {
    double perTick = options.rate() / 100.0;
    double[] carry = {0};
    long[] sent = {0};
    Promise<Long> done = Promise.promise();
    long warmupEnds = System.nanoTime() + options.warmupSeconds() * 1_000_000_000L;
    long[] timer = {-1};
    timer[0] = vertx.setPeriodic(10, id -> {
      if (measuredFrom == Long.MAX_VALUE && System.nanoTime() >= warmupEnds) {
        long now = System.nanoTime();
        measuredUntil = now + options.durationSeconds() * 1_000_000_000L;
        measuredFrom = now;
        cpu.start();
      }
      if (System.nanoTime() > measuredUntil) {
        // The duration is over: only its answers are awaited.
        vertx.cancelTimer(timer[0]);
        cpu.stop().onComplete(ar -> done.complete(sent[0]));
        return;
      }
      boolean measuring = measuredFrom != Long.MAX_VALUE;
      carry[0] += perTick;
      int now = (int) carry[0];
      carry[0] -= now;
      for (int i = 0; i < now; i++) {
        if (outstanding.get() >= options.maxOutstanding()) {
          if (measuring) {
            errors.incrementAndGet();
          }
          continue;
        }
        send.run();
        if (measuring) {
          sent[0]++;
        }
      }
    });
    return done.future();
  }
}
