package org.sealpost.client;

import com.google.protobuf.Empty;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic {@code GET /v1/keepalive} on an open connection: the server closes a connection
 * that sent nothing for its idle timeout. One timer at a time, for the connection last started;
 * used on the client's context.
 */
final class Keepalive {
  private static final Logger log = LoggerFactory.getLogger(Keepalive.class);

  private final Vertx vertx;
  private final String self;
  /** Set from any thread; read when a connection opens, so a change takes effect at the next connect. */
  private volatile Duration interval;
  private long timer = -1;

  Keepalive(Vertx vertx, Duration interval, String self) {
    this.vertx = vertx;
    this.interval = interval;
    this.self = self;
  }

  void interval(Duration newInterval) {
    this.interval = newInterval;
  }

  /** Keeps {@code opened} alive, instead of any connection before it. */
  void start(WireConnection opened) {
    long started = vertx.setPeriodic(interval.toMillis(), id -> {
      if (opened.isClosed()) {
        vertx.cancelTimer(id);
        return;
      }
      opened.call("GET", "/v1/keepalive", Empty.getDefaultInstance(), Empty.parser())
          .onFailure(err -> log.debug("{} - keepalive failed: {}", self, err.toString()));
    });
    stop();
    timer = started;
  }

  void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }
}
