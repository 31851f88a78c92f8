package org.sealpost.ops;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code node.logFormat: json}: switches the console appender of logback.xml to logback's own
 * JsonEncoder, one JSON object per line with the formatted message and the key-values (a
 * connection's {@code conn} id) but not the raw arguments, so nothing beyond the message's own
 * (redacted) text is written. The lines before the configuration is read stay text.
 */
public final class LogFormat {
  static final String APPENDER = "STDOUT";

  private LogFormat() {}

  public static void apply(String format) {
    if (!"json".equals(format) || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    Appender<ILoggingEvent> appender = context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(APPENDER);
    if (appender instanceof OutputStreamAppender<ILoggingEvent> console) {
      JsonEncoder json = encoder(context);
      console.stop();
      console.setEncoder(json);
      console.start();
    }
  }

  static JsonEncoder encoder(LoggerContext context) {
    JsonEncoder json = new JsonEncoder();
    json.setContext(context);
    json.setWithSequenceNumber(false);
    json.setWithNanoseconds(false);
    json.setWithContext(false);
    json.setWithMessage(false);
    json.setWithArguments(false);
    json.setWithFormattedMessage(true);
    json.start();
    return json;
  }
}
