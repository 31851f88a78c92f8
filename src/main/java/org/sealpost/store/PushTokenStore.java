package org.sealpost.store;

import io.vertx.core.Future;
import java.util.Optional;
import org.sealpost.api.DeviceKey;
import org.sealpost.protocol.PushToken;

/**
 * Where each device can be woken (its push token), one per device. Durable: a phone registers its
 * token once and expects wake-ups after the server restarts.
 */
public interface PushTokenStore {

  /** The device's token; empty when it registered none. */
  Future<Optional<PushToken>> get(DeviceKey device);

  /** Sets (or replaces) the device's token. */
  Future<Void> put(DeviceKey device, PushToken token);

  /** Forgets the device's token (idempotent): the device was removed, re-registered or opted out. */
  Future<Void> remove(DeviceKey device);

  /**
   * Forgets the device's token only if it is still {@code token}: a provider said this token is
   * dead, but the device may have registered a new one meanwhile, which must stay. True when removed.
   */
  Future<Boolean> removeIfCurrent(DeviceKey device, PushToken token);
}
