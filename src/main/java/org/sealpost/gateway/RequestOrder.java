package org.sealpost.gateway;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.sealpost.api.Route;

/**
 * The order one connection's ordered requests run in: those with the same key one after another,
 * those with different keys side by side, and a request keyed {@link Route.Order#ALL_KEY} after
 * every earlier ordered request and before every later one. Message sends are keyed by destination, so a slow
 * send to one account does not hold up the sender's sends to others (one chain per connection
 * did: a connection could then store sends no faster than one per store round trip, and at
 * 1,500 msg/s on Cassandra the chains backed up into seconds; BENCHMARKS.md), while each
 * destination still gets one sending device's messages in the order sent. Group sends are keyed
 * {@link Route.Order#ALL_KEY}: a group message must not overtake the 1:1 messages before it (its
 * sender-key distribution goes out 1:1 first).
 *
 * <p>Not thread-safe: one connection's event loop calls it, and the futures it chains complete
 * there.
 */
final class RequestOrder {
  private final Map<String, Future<?>> tails = new HashMap<>();
  private Future<?> lastAll = Future.succeededFuture();

  /** Starts {@code request} once the earlier requests it is ordered after have completed, either way. */
  <T> Future<T> run(String key, Supplier<Future<T>> request) {
    Future<?> after;
    if (key.equals(Route.Order.ALL_KEY)) {
      List<Future<?>> earlier = new ArrayList<>(tails.values());
      earlier.add(lastAll);
      tails.clear();
      after = Future.join(earlier);
    } else {
      after = tails.getOrDefault(key, lastAll);
    }
    Future<T> next = after.transform(ignored -> request.get());
    if (key.equals(Route.Order.ALL_KEY)) {
      lastAll = next;
    } else {
      tails.put(key, next);
      next.onComplete(done -> tails.remove(key, next));
    }
    return next;
  }

  /** Keys with a request running or waiting; for tests. */
  int pendingKeys() {
    return tails.size();
  }
}
