package org.sealpost.store.redis;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Collectors;
import org.sealpost.api.DeviceKey;
import org.sealpost.errors.SealpostException;
import org.sealpost.store.SessionDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session directory shared by all nodes: one Redis string per device, {@code <prefix>session:
 * <number>.<deviceId>} → node id, with a time to live so the entries of a node that dies expire by
 * themselves within {@link #ttl()}.
 *
 * <p>Refreshing is this class's job, not the caller's: it remembers what was registered through
 * it (this process's connections) and, every {@link #refreshInterval()} (a third of the TTL),
 * extends those entries in batches with one script call per {@value #REFRESH_BATCH} devices. An
 * entry that expired anyway (Redis or this node was unreachable for longer than the TTL) is set
 * again; one that names another node (a newer connection there) is left alone. So the gateway
 * only calls {@link #register} and {@link #unregister}, once per connection, and a node whose
 * event loop stops (crash, kill, stall) stops refreshing and drops out of the directory.
 *
 * <p>{@link #unregister} is a compare-and-delete in Lua ({@code redis/delete-if-equal.lua}):
 * reading and deleting in one atomic step is what keeps a late unregister from removing a newer
 * registration by another node.
 */
final class RedisSessionDirectory implements SessionDirectory {
  private static final Logger log = LoggerFactory.getLogger(RedisSessionDirectory.class);
  static final LuaScript REFRESH = LuaScript.load("session-refresh");
  /** Devices per script call: big enough to be cheap, small enough not to stall Redis. */
  static final int REFRESH_BATCH = 500;

  private static final long REFRESHED = 1;
  private static final long RECREATED = 2;

  private final RedisCommands redis;
  private final String keyPrefix;
  private final Duration ttl;
  /** What this process registered and has not unregistered: device → node id. */
  private final ConcurrentMap<DeviceKey, String> held = new ConcurrentHashMap<>();
  private final Heartbeat heartbeat;

  /**
   * @param keyPrefix put before every key (e.g. {@code sealpost:})
   * @param ttl how long an entry outlives the last refresh
   */
  RedisSessionDirectory(Vertx vertx, RedisCommands redis, String keyPrefix, Duration ttl) {
    this.heartbeat = new Heartbeat(vertx, this::extendHeld);
    this.redis = redis;
    this.keyPrefix = keyPrefix;
    this.ttl = ttl;
  }

  @Override
  public Future<Void> register(DeviceKey device, String nodeId) {
    held.put(device, nodeId);
    return redis
        .send(Request.cmd(Command.SET).arg(key(device)).arg(nodeId).arg("PX").arg(ttl.toMillis()))
        .mapEmpty();
  }

  @Override
  public Future<Void> unregister(DeviceKey device, String nodeId) {
    held.remove(device, nodeId);
    return release(List.of(device), nodeId).mapEmpty();
  }

  @Override
  public Future<Optional<String>> lookup(DeviceKey device) {
    return redis
        .send(Request.cmd(Command.GET).arg(key(device)))
        .map(node -> Optional.ofNullable(node).map(Response::toString));
  }

  /** How long an entry outlives its node. */
  Duration ttl() {
    return ttl;
  }

  /** How often this process extends its entries: a third of {@link #ttl()}. */
  Duration refreshInterval() {
    return ttl.dividedBy(3);
  }

  /** Starts extending this process's entries every {@link #refreshInterval()}. */
  void start() {
    heartbeat.start(refreshInterval());
  }

  /**
   * Stops refreshing and deletes the entries this process still holds (each only if it still
   * names the node), so routing stops pointing here at once rather than after the TTL.
   */
  Future<Void> close() {
    stopRefreshing();
    Map<String, List<DeviceKey>> byNode = snapshotByNode();
    held.clear();
    List<Future<Long>> released = new ArrayList<>();
    byNode.forEach((node, devices) -> {
      for (List<DeviceKey> batch : batches(devices)) {
        released.add(release(batch, node));
      }
    });
    return Future.join(released).transform(done -> {
      if (done.failed()) {
        log.warn("redis {} - session entries left to expire after {}: {}", redis.endpoint(), ttl,
            RedisCommands.describe(done.cause()));
      }
      return Future.succeededFuture();
    });
  }

  /** Stops the periodic refresh, leaving the entries to expire (what a dying node does). */
  void stopRefreshing() {
    heartbeat.stop();
  }

  /**
   * Extends every entry this process holds; one run at a time (a run still going when the timer
   * fires again makes that tick a no-op). Failures are logged, the next tick tries again.
   */
  Future<Void> refreshHeld() {
    return heartbeat.beat();
  }

  private Future<Void> extendHeld() {
    Future<Void> chain = Future.succeededFuture();
    for (Map.Entry<String, List<DeviceKey>> entry : snapshotByNode().entrySet()) {
      for (List<DeviceKey> batch : batches(entry.getValue())) {
        chain = chain.compose(v -> refresh(batch, entry.getKey()));
      }
    }
    return chain.onFailure(this::logRefreshFailure);
  }

  /** Unavailability is already logged (throttled) by {@link RedisCommands}; anything else is a bug. */
  private void logRefreshFailure(Throwable failure) {
    if (failure instanceof SealpostException) {
      log.debug("redis {} - session refresh failed: {}", redis.endpoint(), failure.getMessage());
    } else {
      log.error("redis {} - session refresh failed", redis.endpoint(), failure);
    }
  }

  private Future<Void> refresh(List<DeviceKey> devices, String nodeId) {
    List<String> keys = devices.stream().map(this::key).toList();
    return redis
        .eval(REFRESH, keys, List.of(nodeId, Long.toString(ttl.toMillis())))
        .compose(codes -> {
          List<DeviceKey> recreated = new ArrayList<>();
          int superseded = 0;
          for (int i = 0; i < devices.size(); i++) {
            long code = codes.get(i).toLong();
            if (code == RECREATED) {
              recreated.add(devices.get(i));
            } else if (code != REFRESHED) {
              superseded++;
            }
          }
          if (superseded > 0) {
            log.debug("redis {} - {} devices held here are registered on other nodes now",
                redis.endpoint(), superseded);
          }
          return recreated.isEmpty() ? Future.succeededFuture() : undoStale(recreated, nodeId);
        });
  }

  /**
   * Entries the refresh had to set again were expired; an unregister that ran between taking the
   * snapshot and the script would be undone by that, so delete again any that this process no
   * longer holds. An unregister after this check sends its own delete after the script ran.
   */
  private Future<Void> undoStale(List<DeviceKey> recreated, String nodeId) {
    log.warn("redis {} - {} session entries had expired and were set again (Redis or this node"
        + " was unreachable for longer than {})", redis.endpoint(), recreated.size(), ttl);
    List<DeviceKey> released = recreated.stream()
        .filter(device -> !nodeId.equals(held.get(device)))
        .toList();
    return released.isEmpty() ? Future.succeededFuture() : release(released, nodeId).mapEmpty();
  }

  private Future<Long> release(List<DeviceKey> devices, String nodeId) {
    List<String> keys = devices.stream().map(this::key).toList();
    return redis.eval(LuaScript.DELETE_IF_EQUAL, keys, List.of(nodeId)).map(Response::toLong);
  }

  private Map<String, List<DeviceKey>> snapshotByNode() {
    return held.entrySet().stream()
        .collect(Collectors.groupingBy(Map.Entry::getValue,
            Collectors.mapping(Map.Entry::getKey, Collectors.toList())));
  }

  private static List<List<DeviceKey>> batches(List<DeviceKey> devices) {
    List<List<DeviceKey>> batches = new ArrayList<>();
    for (int from = 0; from < devices.size(); from += REFRESH_BATCH) {
      batches.add(devices.subList(from, Math.min(devices.size(), from + REFRESH_BATCH)));
    }
    return batches;
  }

  /** Entries this process holds; for tests. */
  int heldCount() {
    return held.size();
  }

  private String key(DeviceKey device) {
    return keyPrefix + "session:" + device.id();
  }
}
