package org.sealpost.api;

import io.vertx.core.Future;

/**
 * What other features learn about authenticated connections (presence: online, offline, the
 * connection's subscriptions). Each opened connection gets exactly one {@link #closed}, after
 * {@link #opened} completed; a replaced connection's {@code closed} completes before its
 * successor's {@code opened} starts, so a device is never counted twice or lost. Failures are
 * logged by the gateway and never fail the connection.
 */
public interface ConnectionHooks {
  ConnectionHooks NONE = new ConnectionHooks() {
    @Override
    public Future<Void> opened(DeviceKey device) {
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> closed(DeviceKey device) {
      return Future.succeededFuture();
    }
  };

  /** The device authenticated on a frame connection of this node. */
  Future<Void> opened(DeviceKey device);

  /** That connection closed (by either side, by idle timeout, or replaced by a newer one). */
  Future<Void> closed(DeviceKey device);
}
