package org.sealpost.store.embedded;

import io.vertx.core.Future;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.sealpost.api.DeviceKey;
import org.sealpost.store.SessionDirectory;

/**
 * The session directory of a single node: connections live in this process, so a map in this
 * process is the whole truth and dies with it — nothing to expire.
 */
public final class InMemorySessionDirectory implements SessionDirectory {
  private final ConcurrentMap<DeviceKey, String> nodes = new ConcurrentHashMap<>();

  @Override
  public Future<Void> register(DeviceKey device, String nodeId) {
    nodes.put(device, nodeId);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> unregister(DeviceKey device, String nodeId) {
    nodes.remove(device, nodeId);
    return Future.succeededFuture();
  }

  @Override
  public Future<Optional<String>> lookup(DeviceKey device) {
    return Future.succeededFuture(Optional.ofNullable(nodes.get(device)));
  }
}
