package org.sealpost.store.embedded;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import java.util.function.Function;

/**
 * One queued write operation: runs on the writer thread, then, once its group is durable (or has
 * failed), completes the caller's future on the caller's Vert.x context.
 */
final class PendingWrite<T> {
  private final Function<Txn, T> op;
  private final Promise<T> promise;
  private final Context context;
  private T result;
  private Throwable failure;

  PendingWrite(Function<Txn, T> op, Promise<T> promise, Context context) {
    this.op = op;
    this.promise = promise;
    this.context = context;
  }

  /**
   * Runs the operation; returns false when it threw, in which case the caller must roll back what
   * it wrote. Any throwable counts: an operation must never take the writer thread down.
   */
  boolean run(Txn txn) {
    try {
      result = op.apply(txn);
      return true;
    } catch (Throwable t) {
      failure = t;
      return false;
    }
  }

  /** Completes with the operation's own outcome: the group is durable. */
  void complete() {
    Throwable own = failure;
    T value = result;
    onContext(
        () -> {
          if (own == null) {
            promise.complete(value);
          } else {
            promise.fail(own);
          }
        });
  }

  /** Fails: the group was not written. An operation that failed itself keeps its own cause. */
  void fail(Throwable groupFailure) {
    Throwable cause = failure != null ? failure : groupFailure;
    onContext(() -> promise.fail(cause));
  }

  private void onContext(Runnable action) {
    if (context == null) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }
}
