package org.sealpost.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Event-loop lag: deployed once per event loop (Vert.x assigns instances to loops in turn), each
 * instance schedules a tick every {@link #PERIOD} and records how late it ran
 * ({@code sealpost_eventloop_lag_seconds}). A blocked or saturated loop shows as a long tail;
 * Vert.x's blocked-thread checker still logs the stack of a loop blocked past its limit.
 */
public final class EventLoopLag extends VerticleBase {
  static final Duration PERIOD = Duration.ofMillis(200);
  private final MeterRegistry registry;
  private long timer = -1;

  public EventLoopLag(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    Timer lag = Timer.builder("sealpost.eventloop.lag")
        .description("How late a periodic tick runs on an event loop").register(registry);
    long[] expected = {System.nanoTime() + PERIOD.toNanos()};
    timer = vertx.setPeriodic(PERIOD.toMillis(), id -> {
      long now = System.nanoTime();
      lag.record(Math.max(0, now - expected[0]), TimeUnit.NANOSECONDS);
      expected[0] = now + PERIOD.toNanos();
    });
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }
}
