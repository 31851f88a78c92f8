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
  private final boolean synced;
  private T result;
  private Throwable failure;

  /** @param synced whether the group it joins must be fsynced before it completes */
  PendingWrite(Function<Txn, T> op, Promise<T> promise, Context context, boolean synced) {
    this.op = op;
    this.promise = promise;
    this.context = context;
    this.synced = synced;
  }

  boolean synced() {
    return synced;
  }

  /** The context its future completes on; null for a caller outside any context. */
  Context context() {
    return context;
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

  /**
   * Completes with the operation's own outcome (the group is written), here and now: call it on
   * {@link #context()} (see {@link GroupCommitWriter}, which completes a group's writes with one
   * task per context).
   */
  void completeHere() {
    if (failure == null) {
      promise.complete(result);
    } else {
      promise.fail(failure);
    }
  }

  /** Fails with {@code refusal}, whatever the operation did: the group was refused before it ran or was written. */
  void refuse(Throwable refusal) {
    onContext(() -> promise.fail(refusal));
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
