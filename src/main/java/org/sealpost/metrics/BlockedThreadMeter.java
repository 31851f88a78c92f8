package org.sealpost.metrics;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.LoggerFactory;

/**
 * Counts Vert.x's blocked-thread warnings ({@code sealpost_blocked_thread_events_total}): the
 * checker reports a loop or worker held past its limit only as a log line, so this listens on its
 * logger. The line itself (with the stack) is still logged as before.
 */
public final class BlockedThreadMeter extends AppenderBase<ILoggingEvent> {
  /** Vert.x's BlockedThreadChecker.LOGGER_NAME. */
  static final String CHECKER_LOGGER = "vertx-blocked-thread-checker";

  private final Counter events;

  private BlockedThreadMeter(MeterRegistry registry) {
    this.events = Counter.builder("sealpost.blocked.thread.events")
        .description("Threads reported blocked by Vert.x's blocked-thread checker").register(registry);
  }

  /** Starts counting; {@link #close()} stops. Without logback (another SLF4J binding) nothing is counted. */
  public static AutoCloseable attach(MeterRegistry registry) {
    if (!(LoggerFactory.getLogger(CHECKER_LOGGER) instanceof Logger checker)) {
      return () -> { };
    }
    BlockedThreadMeter meter = new BlockedThreadMeter(registry);
    meter.setName("sealpost-blocked-thread-meter-" + System.identityHashCode(meter));
    meter.setContext(checker.getLoggerContext());
    meter.start();
    checker.addAppender(meter);
    return () -> {
      checker.detachAppender(meter);
      meter.stop();
    };
  }

  @Override
  protected void append(ILoggingEvent event) {
    if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
      events.increment();
    }
  }
}
