package org.sealpost.push;

import io.vertx.core.Future;
import org.sealpost.store.DeviceKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The provider until real ones are configured: records the wake-up at DEBUG and does nothing else. */
public final class LogPushProvider implements PushProvider {
  private static final Logger log = LoggerFactory.getLogger(LogPushProvider.class);

  @Override
  public Future<Void> wake(DeviceKey device) {
    log.debug("push wake-up for {} (no push provider configured)", device);
    return Future.succeededFuture();
  }
}
