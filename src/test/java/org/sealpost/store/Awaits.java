package org.sealpost.store;

import static java.util.concurrent.TimeUnit.SECONDS;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/** Waiting for store futures from a test thread, with a timeout instead of sleeps. */
public final class Awaits {
  private static final long TIMEOUT_SECONDS = 30;

  private Awaits() {}

  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("future failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("future did not complete", e);
    }
  }

  /** The cause a future failed with; an assertion error when it succeeded. */
  public static Throwable awaitFailure(Future<?> future) {
    try {
      Object value = future.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, SECONDS);
      throw new AssertionError("expected a failure, got " + value);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("future did not complete", e);
    }
  }

  /**
   * Starts {@code n} calls on {@code n} threads released at once, and waits for all their results
   * (in call index order).
   */
  public static <T> List<T> inParallel(int n, IntFunction<Future<T>> call) {
    ExecutorService threads = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<java.util.concurrent.Future<Future<T>>> started = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        started.add(
            threads.submit(
                () -> {
                  start.await();
                  return call.apply(index);
                }));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (java.util.concurrent.Future<Future<T>> f : started) {
        results.add(await(f.get(TIMEOUT_SECONDS, SECONDS)));
      }
      return results;
    } catch (ExecutionException | InterruptedException | TimeoutException e) {
      throw new AssertionError("parallel calls failed", e);
    } finally {
      threads.shutdownNow();
    }
  }
}
