package org.sealpost.store.cassandra;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Runs the operations of one key one after another, in the order they were submitted, within this
 * process. Lightweight transactions on one partition that run at the same time mostly lose to each
 * other (each loser pays another Paxos round and a pause); lined up, each wins at its first try.
 * Correctness never depends on this: across nodes the compare-and-set conditions still decide.
 *
 * <p>Each key keeps only the tail of its line, removed when the line empties, so memory follows the
 * keys in use. Each operation starts on the thread that finished the one before it, and its result
 * is handed back on the context of the caller that submitted it.
 */
final class KeyedSequencer<K> {
  private final Vertx vertx;
  private final ConcurrentHashMap<K, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();

  KeyedSequencer(Vertx vertx) {
    this.vertx = vertx;
  }

  <T> Future<T> submit(K key, Supplier<Future<T>> operation) {
    Context caller = vertx.getOrCreateContext();
    CompletableFuture<T> result = new CompletableFuture<>();
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> previous = tails.put(key, mine);
    Runnable start = () -> run(operation).onComplete(ar -> {
      tails.remove(key, mine);
      mine.complete(null);
      if (ar.succeeded()) {
        result.complete(ar.result());
      } else {
        result.completeExceptionally(ar.cause());
      }
    });
    if (previous == null) {
      start.run();
    } else {
      previous.whenComplete((v, e) -> start.run());
    }
    return Future.fromCompletionStage(result, caller);
  }

  /** How many keys have operations queued or running (for tests). */
  int activeKeys() {
    return tails.size();
  }

  private static <T> Future<T> run(Supplier<Future<T>> operation) {
    try {
      return operation.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
