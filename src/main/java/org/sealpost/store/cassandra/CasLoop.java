package org.sealpost.store.cassandra;

import io.vertx.core.Future;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * Optimistic read-decide-write, tried again until it sticks. An attempt reads what it needs, decides,
 * and writes with a condition on what it read (a lightweight transaction); it answers empty when the
 * condition failed because another writer got there first, and the loop pauses briefly
 * ({@link Cql#pause}) and tries again with a fresh read. Attempt 0 may read at the ordinary level;
 * later attempts should read at the serial level, so they see the write they lost to.
 *
 * <p>Within one process {@link KeyedSequencer} keeps callers of one key from racing each other, so
 * this loop mostly absorbs races with other nodes; after {@link #MAX_ATTEMPTS} lost races the call
 * fails as unavailable rather than spinning.
 */
final class CasLoop {
  static final int MAX_ATTEMPTS = 64;

  private CasLoop() {}

  /**
   * Runs {@code attempt} (given its number, from 0) until it answers a value.
   *
   * @param what names the operation in the failure, e.g. "adding a device"
   */
  static <T> Future<T> run(Cql cql, String what, IntFunction<Future<Optional<T>>> attempt) {
    return step(cql, what, attempt, 0);
  }

  private static <T> Future<T> step(Cql cql, String what, IntFunction<Future<Optional<T>>> attempt, int n) {
    return attempt.apply(n).compose(result -> {
      if (result.isPresent()) {
        return Future.succeededFuture(result.get());
      }
      if (n + 1 >= MAX_ATTEMPTS) {
        return Future.failedFuture(Cql.unavailable(what + " lost " + MAX_ATTEMPTS + " races in a row"));
      }
      return cql.pause(n).compose(v -> step(cql, what, attempt, n + 1));
    });
  }

  /** What an attempt answers when its condition failed. */
  static <T> Future<Optional<T>> lost() {
    return Future.succeededFuture(Optional.empty());
  }

  /** What an attempt answers when it is done. */
  static <T> Future<Optional<T>> done(T value) {
    return Future.succeededFuture(Optional.of(value));
  }

  /** What an attempt answers after its conditional write: {@code value} if it applied, else lost. */
  static <T> Future<Optional<T>> doneIf(boolean applied, T value) {
    return applied ? done(value) : lost();
  }
}
