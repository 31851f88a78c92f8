package org.sealpost.media;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes expired blobs and abandoned uploads every {@code media.sweepInterval} (one instance per
 * node; nodes sharing a directory may sweep it concurrently: a blob is deleted once).
 */
public final class MediaSweeper extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(MediaSweeper.class);

  private final MediaService media;
  private final Duration interval;
  private long timer = -1;
  private boolean sweeping;

  public MediaSweeper(MediaService media) {
    this.media = media;
    this.interval = media.config().sweepInterval();
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(interval.toMillis(), id -> sweep());
    return Future.succeededFuture();
  }

  private void sweep() {
    if (sweeping) {
      return;
    }
    sweeping = true;
    media.sweep()
        .onSuccess(deleted -> {
          if (deleted > 0) {
            log.info("media sweep deleted {} expired blobs and uploads", deleted);
          }
        })
        .onFailure(err -> log.warn("media sweep failed", err))
        .onComplete(done -> sweeping = false);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }
}
