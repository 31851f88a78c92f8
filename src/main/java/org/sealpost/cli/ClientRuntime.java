package org.sealpost.cli;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.sealpost.client.SealpostClient;

/**
 * The Vert.x a client command runs on, and the bridge from its futures to the command's plain
 * thread: a command is a script of steps that each wait for the one before.
 */
final class ClientRuntime implements AutoCloseable {
  /** How long one step (a request, a connect) may take before the command gives up. */
  static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);

  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));

  Vertx vertx() {
    return vertx;
  }

  <T> T await(Future<T> future) throws Exception {
    return await(future, STEP_TIMEOUT);
  }

  /** The result of {@code future}; its failure is rethrown as is. */
  <T> T await(Future<T> future, Duration timeout) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    } catch (TimeoutException e) {
      throw new TimeoutException("no answer within " + timeout.toSeconds() + " s");
    }
  }

  /** What a command does with its device's client; returns the exit code. */
  @FunctionalInterface
  interface ClientWork {
    int run(SealpostClient client) throws Exception;
  }

  /** Opens the device kept in {@code state}, runs {@code work} with it, and closes it whatever happened. */
  int withClient(Path state, ClientWork work) throws Exception {
    return withClient(SealpostClient.open(vertx, state), work);
  }

  /** Runs {@code work} with the client {@code opening} opens, and closes it whatever happened. */
  int withClient(Future<SealpostClient> opening, ClientWork work) throws Exception {
    SealpostClient client = await(opening);
    try {
      return work.run(client);
    } finally {
      await(client.close());
    }
  }

  @Override
  public void close() throws Exception {
    await(vertx.close());
  }
}
