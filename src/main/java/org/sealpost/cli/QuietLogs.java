package org.sealpost.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the log's INFO lines (connected, closed, keys uploaded) out of a client command's
 * output, which is meant for people and scripts; warnings still show. SEALPOST_LOG_LEVEL, the
 * server's log level switch, turns the lines back on. The previous level is restored on close,
 * because the commands also run in-process (tests) next to code that logs.
 */
final class QuietLogs implements AutoCloseable {
  private static final String LEVEL_VARIABLE = "SEALPOST_LOG_LEVEL";

  private final Logger logger;
  private final Level previous;

  private QuietLogs(Logger logger, Level previous) {
    this.logger = logger;
    this.previous = previous;
  }

  static QuietLogs apply() {
    if (!(LoggerFactory.getLogger("org.sealpost") instanceof Logger sealpost) || System.getenv(LEVEL_VARIABLE) != null) {
      return new QuietLogs(null, null);
    }
    Level previous = sealpost.getLevel();
    sealpost.setLevel(Level.WARN);
    return new QuietLogs(sealpost, previous);
  }

  @Override
  public void close() {
    if (logger != null) {
      logger.setLevel(previous);
    }
  }
}
