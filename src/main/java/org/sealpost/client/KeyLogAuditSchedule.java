package org.sealpost.client;

import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the key-log monitor runs by itself: each time a connection's queue drained (so messages
 * come first), and every {@link #interval} from the first drain until the client closes. A
 * failed run is logged; its alerts went to the listener already. Used on the client's context.
 */
final class KeyLogAuditSchedule {
  private static final Logger log = LoggerFactory.getLogger(KeyLogAuditSchedule.class);

  private final Vertx vertx;
  private final KeyLogMonitor monitor;
  private final String self;
  private Duration interval;
  private long timer = -1;
  private boolean stopped;

  KeyLogAuditSchedule(Vertx vertx, KeyLogMonitor monitor, Duration interval, String self) {
    this.vertx = vertx;
    this.monitor = monitor;
    this.interval = interval;
    this.self = self;
  }

  /** Takes effect at the next start of the timer (the next queue drain after a change). */
  void interval(Duration every) {
    this.interval = every;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  void onQueueDrained() {
    if (stopped) {
      return;
    }
    runOnce();
    if (timer < 0) {
      timer = vertx.setPeriodic(interval.toMillis(), id -> runOnce());
    }
  }

  void stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private void runOnce() {
    monitor.audit()
        .onSuccess(audit -> log.debug("{} - key log audited up to {} ({} entries checked)", self,
            audit.head().size(), audit.entriesChecked()))
        .onFailure(err -> {
          if (stopped) {
            // The client closed under it (a command that connects, receives and exits): nothing failed.
            log.debug("{} - key log audit cut short by close: {}", self, err.toString());
          } else {
            log.warn("{} - key log audit failed: {}", self, err.toString());
          }
        });
  }
}
