package org.sealpost.push;

import io.vertx.core.Future;
import org.sealpost.store.DeviceKey;

/** Wakes a device that has something queued and no connection (APNs, FCM, webhook, ...). */
public interface PushProvider {
  Future<Void> wake(DeviceKey device);
}
