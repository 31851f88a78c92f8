package org.sealpost.lifecycle;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;
import org.sealpost.store.CodeStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Account upkeep, one instance per node. Finishes account deletions that a crash cut short: every
 * one found at start (a node that just restarted may have been running it), then every {@link
 * #INTERVAL} those begun over {@link #GRACE} ago (a younger one is most likely still running where
 * it began); running one twice does no harm. And deletes single-use codes (registration, link,
 * deletion) that expired unused, which name the number they were sent to.
 */
public final class AccountSweeper extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(AccountSweeper.class);
  static final Duration INTERVAL = Duration.ofMinutes(1);
  static final Duration GRACE = Duration.ofMinutes(1);

  private final AccountDeletion deletion;
  private final CodeStore codes;
  private final Clock clock;
  private long timer = -1;
  private boolean sweeping;

  public AccountSweeper(AccountDeletion deletion, CodeStore codes, Clock clock) {
    this.deletion = deletion;
    this.codes = codes;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    sweep(Duration.ZERO);
    timer = vertx.setPeriodic(INTERVAL.toMillis(), id -> sweep(GRACE));
    return Future.succeededFuture();
  }

  /** Finishes the due deletions and drops expired codes, unless a sweep is running. */
  private void sweep(Duration grace) {
    if (sweeping) {
      return;
    }
    sweeping = true;
    deletion.finishPending(grace)
        .onSuccess(finished -> {
          if (finished > 0) {
            log.info("finished {} account deletions that were cut short", finished);
          }
        })
        .onFailure(err -> log.warn("finishing pending account deletions failed: {}", err.getMessage()))
        .transform(done -> codes.deleteExpired(clock.millis()))
        .onFailure(err -> log.warn("deleting expired codes failed: {}", err.getMessage()))
        .onComplete(done -> sweeping = false);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }
}
