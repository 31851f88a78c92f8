package org.sealpost.store;

import io.vertx.core.Future;
import java.util.Optional;
import org.sealpost.api.DeviceKey;

/**
 * Which node holds each connected device's connection. Entries of a node that dies expire
 * (in shared backends); a node refreshes its own entries while it lives.
 */
public interface SessionDirectory {

  /** Records that {@code nodeId} holds the device's connection now. */
  Future<Void> register(DeviceKey device, String nodeId);

  /** Removes the entry if it still names {@code nodeId} (a newer connection elsewhere stays). */
  Future<Void> unregister(DeviceKey device, String nodeId);

  Future<Optional<String>> lookup(DeviceKey device);
}
