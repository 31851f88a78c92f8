package org.sealpost.client;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The single thread on which one client touches its protocol state.
 *
 * <p>libsignal's {@code SessionCipher} and {@code GroupCipher} are not thread-safe, and a
 * session record read by two operations at once would be written back with one of them lost.
 * Running every operation of a client, in submission order, on a one-thread worker pool
 * serializes them per (local account, remote address) without any lock, and keeps the
 * milliseconds of key agreement and file syncs off the event loop.
 *
 * <p>A task must never wait for another task of the same worker: it would wait forever.
 */
final class CryptoWorker {
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final WorkerExecutor executor;
  private FileProtocolStore store;
  private Consumer<String> onIdentityChanged = number -> { };

  CryptoWorker(Vertx vertx) {
    this.executor = vertx.createSharedWorkerExecutor("sealpost-crypto-" + INSTANCES.incrementAndGet(), 1);
  }

  /** Reports, after each task, the numbers whose identity key the task found changed. */
  void watch(FileProtocolStore watched, Consumer<String> onChanged) {
    this.store = watched;
    this.onIdentityChanged = onChanged;
  }

  /** Runs {@code task} on the worker; the future completes on the caller's context. */
  <T> Future<T> run(Callable<T> task) {
    return executor.executeBlocking(() -> {
      try {
        return new Outcome<>(task.call(), null, identityChanges());
      } catch (Exception e) {
        return new Outcome<T>(null, e, identityChanges());
      }
    }, true).compose(outcome -> {
      outcome.identityChanges().forEach(onIdentityChanged);
      return outcome.error() == null ? Future.succeededFuture(outcome.value()) : Future.failedFuture(outcome.error());
    });
  }

  /** Closes the worker after the tasks already submitted ran: closing interrupts a running task. */
  Future<Void> close() {
    return run(() -> null).transform(ignored -> executor.close());
  }

  private List<String> identityChanges() {
    return store == null ? List.of() : store.drainIdentityChanges();
  }

  private record Outcome<T>(T value, Exception error, List<String> identityChanges) {}
}
