package org.sealpost.store;

import io.vertx.core.Future;
import java.util.Collection;
import java.util.Set;
import org.sealpost.api.DeviceKey;

/**
 * Who is online, since when they are not, and who listens. Ephemeral state: it only matters while
 * connections live, so it is kept in memory on a single node and in Redis for a cluster.
 *
 * <p>Online is counted per device, not per connection: {@link #connected} of a device that is
 * already counted changes nothing, and {@link #disconnected} removes the device whatever number of
 * times it connected. The count is the number of the account's devices connected on any node. In
 * shared backends a device's entry expires unless the node holding it keeps it alive, so a node
 * that dies does not leave its accounts online for ever.
 *
 * <p>Subscriptions (subscriber device → numbers it watches) are what a connection asked for; the
 * owner of the connection removes them when it closes ({@link #unsubscribeAll}).
 */
public interface PresenceStore {

  /** Counts the device as connected; completes with the account's connected devices now (>= 1). */
  Future<Integer> connected(DeviceKey device);

  /**
   * The device is no longer connected since {@code lastSeenMillis}; the account's last seen is the
   * latest such time of its devices (two devices leaving at once may be recorded in either order).
   * Completes with the account's connected devices left.
   */
  Future<Integer> disconnected(DeviceKey device, long lastSeenMillis);

  /** The account's state: offline with last seen 0 when never seen. */
  Future<PresenceState> get(String number);

  /** Adds subscriptions of {@code subscriber} to each of {@code numbers} (idempotent). */
  Future<Void> subscribe(DeviceKey subscriber, Collection<String> numbers);

  Future<Void> unsubscribe(DeviceKey subscriber, Collection<String> numbers);

  /** Removes every subscription of {@code subscriber}: its connection closed. */
  Future<Void> unsubscribeAll(DeviceKey subscriber);

  /** The devices subscribed to {@code number}. */
  Future<Set<DeviceKey>> subscribers(String number);

  /**
   * Drops everything held about an account being deleted: the online entries of its
   * {@code devices} (every device it has; all of them must be of {@code number}), its last seen,
   * the subscriptions others hold to it and those its devices hold ({@link #unsubscribeAll} of
   * each). Afterwards {@link #get} is offline with last seen 0 and {@link #subscribers} is empty.
   * Its connections must be closed first: a device still connected somewhere is counted again.
   * Idempotent, so a failed call can simply be repeated.
   */
  Future<Void> forget(String number, Collection<DeviceKey> devices);

  /** One account's presence. */
  record PresenceState(boolean online, long lastSeen) {}
}
