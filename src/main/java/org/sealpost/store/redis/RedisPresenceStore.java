package org.sealpost.store.redis;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.sealpost.api.DeviceKey;
import org.sealpost.store.PresenceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence shared by every node, in the style of {@link RedisSessionDirectory}:
 *
 * <ul>
 *   <li>{@code <prefix>presence:devices:<number>}: a sorted set of the account's connected device
 *       ids, scored by when each entry expires (Redis time). Connect and disconnect are one Lua
 *       script each ({@code presence-connect.lua}, {@code presence-disconnect.lua}), so the count
 *       is right however many nodes change it at once. This class re-adds the devices connected
 *       through it every third of the TTL; the entries of a node that dies drop out within the TTL.
 *   <li>{@code <prefix>presence:lastseen:<number>}: ms since the epoch, kept for
 *       {@link #LAST_SEEN_TTL}.
 *   <li>{@code <prefix>presence:subs:<number>}: the subscribed devices ({@code number.device}), and
 *       {@code <prefix>presence:subof:<number>.<device>}: what that device watches, so a closing
 *       connection can drop all of its subscriptions. Both expire a day after the last subscribe, a
 *       bound for what a dead node's connections leave behind (the service also drops a subscriber
 *       that turns out not to be connected).
 * </ul>
 */
final class RedisPresenceStore implements PresenceStore {
  private static final Logger log = LoggerFactory.getLogger(RedisPresenceStore.class);
  static final LuaScript CONNECT = LuaScript.load("presence-connect");
  static final LuaScript DISCONNECT = LuaScript.load("presence-disconnect");
  static final LuaScript GET = LuaScript.load("presence-get");
  static final Duration LAST_SEEN_TTL = Duration.ofDays(90);
  static final Duration SUBSCRIPTION_TTL = Duration.ofDays(1);

  private final RedisCommands redis;
  private final String keyPrefix;
  private final Duration ttl;
  /** Devices connected through this process: refreshed until they disconnect. */
  private final Set<DeviceKey> held = ConcurrentHashMap.newKeySet();
  private final Heartbeat heartbeat;

  RedisPresenceStore(Vertx vertx, RedisCommands redis, String keyPrefix, Duration ttl) {
    this.heartbeat = new Heartbeat(vertx, this::readdHeld);
    this.redis = redis;
    this.keyPrefix = keyPrefix + "presence:";
    this.ttl = ttl;
  }

  @Override
  public Future<Integer> connected(DeviceKey device) {
    held.add(device);
    return connect(device);
  }

  private Future<Integer> connect(DeviceKey device) {
    return redis.eval(CONNECT, List.of(devicesKey(device.number())),
            List.of(Integer.toString(device.deviceId()), Long.toString(ttl.toMillis())))
        .map(Response::toInteger);
  }

  @Override
  public Future<Integer> disconnected(DeviceKey device, long lastSeenMillis) {
    held.remove(device);
    return redis.eval(DISCONNECT, List.of(devicesKey(device.number()), lastSeenKey(device.number())),
            List.of(Integer.toString(device.deviceId()), Long.toString(lastSeenMillis),
                Long.toString(LAST_SEEN_TTL.toMillis())))
        .map(Response::toInteger);
  }

  @Override
  public Future<PresenceState> get(String number) {
    return redis.eval(GET, List.of(devicesKey(number), lastSeenKey(number)), List.of())
        .map(reply -> new PresenceState(reply.get(0).toLong() > 0, reply.get(1).toLong()));
  }

  @Override
  public Future<Void> subscribe(DeviceKey subscriber, Collection<String> numbers) {
    if (numbers.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Future<Response>> writes = new ArrayList<>();
    String subOf = subscriptionsKey(subscriber);
    Request add = Request.cmd(Command.SADD).arg(subOf);
    numbers.forEach(add::arg);
    writes.add(redis.send(add));
    writes.add(redis.send(Request.cmd(Command.PEXPIRE).arg(subOf).arg(SUBSCRIPTION_TTL.toMillis())));
    for (String number : numbers) {
      writes.add(redis.send(Request.cmd(Command.SADD).arg(subscribersKey(number)).arg(subscriber.id())));
      writes.add(redis.send(Request.cmd(Command.PEXPIRE).arg(subscribersKey(number))
          .arg(SUBSCRIPTION_TTL.toMillis())));
    }
    return Future.all(writes).mapEmpty();
  }

  @Override
  public Future<Void> unsubscribe(DeviceKey subscriber, Collection<String> numbers) {
    if (numbers.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Future<Response>> writes = new ArrayList<>();
    Request remove = Request.cmd(Command.SREM).arg(subscriptionsKey(subscriber));
    numbers.forEach(remove::arg);
    writes.add(redis.send(remove));
    for (String number : numbers) {
      writes.add(redis.send(Request.cmd(Command.SREM).arg(subscribersKey(number)).arg(subscriber.id())));
    }
    return Future.all(writes).mapEmpty();
  }

  @Override
  public Future<Void> unsubscribeAll(DeviceKey subscriber) {
    String subOf = subscriptionsKey(subscriber);
    return redis.send(Request.cmd(Command.SMEMBERS).arg(subOf))
        .compose(members -> {
          List<String> numbers = new ArrayList<>();
          if (members != null) {
            members.forEach(member -> numbers.add(member.toString()));
          }
          return unsubscribe(subscriber, numbers);
        })
        .compose(v -> redis.send(Request.cmd(Command.DEL).arg(subOf)))
        .mapEmpty();
  }

  /**
   * A sequence of idempotent steps rather than one script (the other subscribers' keys are only
   * known once read): this node stops refreshing the devices, each device's subscriptions go
   * ({@link #unsubscribeAll}), then the number leaves each subscriber's own list, and last the
   * number's keys are deleted. Whatever step fails, running it all again finishes the job.
   */
  @Override
  public Future<Void> forget(String number, Collection<DeviceKey> devices) {
    for (DeviceKey device : devices) {
      if (!device.number().equals(number)) {
        return Future.failedFuture(new IllegalArgumentException("device " + device + " is not of " + number));
      }
    }
    held.removeAll(devices);
    List<Future<Void>> unsubscribed = new ArrayList<>();
    for (DeviceKey device : devices) {
      unsubscribed.add(unsubscribeAll(device));
    }
    return Future.all(unsubscribed)
        .compose(v -> subscribers(number))
        .compose(watchers -> {
          List<Future<Response>> removed = new ArrayList<>();
          for (DeviceKey watcher : watchers) {
            removed.add(redis.send(Request.cmd(Command.SREM).arg(subscriptionsKey(watcher)).arg(number)));
          }
          return Future.all(removed);
        })
        .compose(v -> redis.send(Request.cmd(Command.DEL)
            .arg(devicesKey(number)).arg(lastSeenKey(number)).arg(subscribersKey(number))))
        .mapEmpty();
  }

  @Override
  public Future<Set<DeviceKey>> subscribers(String number) {
    return redis.send(Request.cmd(Command.SMEMBERS).arg(subscribersKey(number))).map(members -> {
      Set<DeviceKey> devices = new HashSet<>();
      if (members != null) {
        for (Response member : members) {
          String id = member.toString();
          int dot = id.lastIndexOf('.');
          devices.add(new DeviceKey(id.substring(0, dot), Integer.parseInt(id.substring(dot + 1))));
        }
      }
      return devices;
    });
  }

  /** Starts keeping this process's devices counted, every third of the TTL. */
  void start() {
    heartbeat.start(ttl.dividedBy(3));
  }

  /**
   * Stops refreshing and marks the devices still held here disconnected now, so a node that shuts
   * down does not leave its accounts online until the TTL. Never fails.
   */
  Future<Void> close() {
    stopRefreshing();
    long now = System.currentTimeMillis();
    List<Future<Integer>> left = new ArrayList<>();
    for (DeviceKey device : List.copyOf(held)) {
      left.add(disconnected(device, now));
    }
    return Future.join(left).<Void>mapEmpty().otherwise(err -> {
      log.warn("redis {} - presence of {} devices left to expire: {}", redis.endpoint(), left.size(),
          RedisCommands.describe(err));
      return null;
    });
  }

  /** Stops refreshing: this node's devices drop out within the TTL (what a dying node does). */
  void stopRefreshing() {
    heartbeat.stop();
  }

  /** Re-adds every device held here; one run at a time. */
  Future<Void> refreshHeld() {
    return heartbeat.beat();
  }

  private Future<Void> readdHeld() {
    List<Future<Integer>> refreshed = new ArrayList<>();
    for (DeviceKey device : List.copyOf(held)) {
      refreshed.add(connect(device));
    }
    return Future.join(refreshed)
        .<Void>mapEmpty()
        .onFailure(err -> log.debug("redis {} - presence refresh failed: {}", redis.endpoint(),
            RedisCommands.describe(err)));
  }

  private String devicesKey(String number) {
    return keyPrefix + "devices:" + number;
  }

  private String lastSeenKey(String number) {
    return keyPrefix + "lastseen:" + number;
  }

  private String subscribersKey(String number) {
    return keyPrefix + "subs:" + number;
  }

  private String subscriptionsKey(DeviceKey device) {
    return keyPrefix + "subof:" + device.id();
  }
}
