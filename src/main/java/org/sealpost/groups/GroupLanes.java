package org.sealpost.groups;

import io.vertx.core.Future;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Runs this node's changes of one group one after another, each with its event fan-out, so the
 * events of changes made through one node reach every queue in revision order. Changes through
 * different nodes are ordered by the store's compare-and-set; their events carry the revision.
 *
 * <p>Thread-safe: the map's compute is atomic, and a finished lane is removed only if no later
 * change joined it.
 */
final class GroupLanes {
  private final ConcurrentHashMap<String, Future<?>> tails = new ConcurrentHashMap<>();

  <T> Future<T> submit(String groupId, Supplier<Future<T>> change) {
    @SuppressWarnings("unchecked")
    Future<T>[] mine = new Future[1];
    tails.compute(groupId, (id, tail) -> {
      Future<?> before = tail == null ? Future.succeededFuture() : tail;
      mine[0] = before.transform(ignored -> change.get());
      return mine[0];
    });
    mine[0].onComplete(done -> tails.remove(groupId, mine[0]));
    return mine[0];
  }
}
