package org.sealpost.store.embedded;

import io.vertx.core.Future;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.sealpost.api.DeviceKey;
import org.sealpost.store.PresenceStore;

/**
 * Presence of a single node: every connection lives in this process, so maps in this process are
 * the whole truth. Each account's entry is changed under its own map lock ({@code compute}), so a
 * connect and a disconnect of two devices of one account never lose a count.
 */
public final class InMemoryPresenceStore implements PresenceStore {
  private final ConcurrentMap<String, Account> accounts = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Set<DeviceKey>> subscribers = new ConcurrentHashMap<>();
  private final ConcurrentMap<DeviceKey, Set<String>> subscriptions = new ConcurrentHashMap<>();

  /** Connected device ids and last seen; immutable, replaced on each change. */
  private record Account(Set<Integer> devices, long lastSeen) {}

  @Override
  public Future<Integer> connected(DeviceKey device) {
    Account after = accounts.compute(device.number(), (number, before) -> {
      Set<Integer> devices = before == null ? new HashSet<>() : new HashSet<>(before.devices());
      devices.add(device.deviceId());
      return new Account(Set.copyOf(devices), before == null ? 0 : before.lastSeen());
    });
    return Future.succeededFuture(after.devices().size());
  }

  @Override
  public Future<Integer> disconnected(DeviceKey device, long lastSeenMillis) {
    Account after = accounts.compute(device.number(), (number, before) -> {
      Set<Integer> devices = before == null ? new HashSet<>() : new HashSet<>(before.devices());
      devices.remove(device.deviceId());
      // The latest leaving time: two devices leaving at once may come in either order.
      long lastSeen = Math.max(before == null ? 0 : before.lastSeen(), lastSeenMillis);
      return new Account(Set.copyOf(devices), lastSeen);
    });
    return Future.succeededFuture(after.devices().size());
  }

  @Override
  public Future<PresenceState> get(String number) {
    Account account = accounts.get(number);
    return Future.succeededFuture(account == null
        ? new PresenceState(false, 0)
        : new PresenceState(!account.devices().isEmpty(), account.lastSeen()));
  }

  @Override
  public Future<Void> subscribe(DeviceKey subscriber, Collection<String> numbers) {
    subscriptions.computeIfAbsent(subscriber, k -> ConcurrentHashMap.newKeySet()).addAll(numbers);
    for (String number : numbers) {
      subscribers.computeIfAbsent(number, k -> ConcurrentHashMap.newKeySet()).add(subscriber);
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> unsubscribe(DeviceKey subscriber, Collection<String> numbers) {
    Set<String> watched = subscriptions.get(subscriber);
    if (watched != null) {
      watched.removeAll(numbers);
    }
    for (String number : numbers) {
      subscribers.computeIfPresent(number, (k, set) -> {
        set.remove(subscriber);
        return set.isEmpty() ? null : set;
      });
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> unsubscribeAll(DeviceKey subscriber) {
    Set<String> watched = subscriptions.remove(subscriber);
    return watched == null ? Future.succeededFuture() : unsubscribe(subscriber, Set.copyOf(watched));
  }

  @Override
  public Future<Void> forget(String number, Collection<DeviceKey> devices) {
    for (DeviceKey device : devices) {
      if (!device.number().equals(number)) {
        return Future.failedFuture(new IllegalArgumentException("device " + device + " is not of " + number));
      }
    }
    for (DeviceKey device : devices) {
      unsubscribeAll(device);
    }
    Set<DeviceKey> watchers = subscribers.remove(number);
    if (watchers != null) {
      for (DeviceKey watcher : watchers) {
        Set<String> watched = subscriptions.get(watcher);
        if (watched != null) {
          watched.remove(number);
        }
      }
    }
    accounts.remove(number);
    return Future.succeededFuture();
  }

  @Override
  public Future<Set<DeviceKey>> subscribers(String number) {
    Set<DeviceKey> found = subscribers.get(number);
    return Future.succeededFuture(found == null ? Set.of() : Set.copyOf(found));
  }
}
