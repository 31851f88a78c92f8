package org.sealpost.client;

import static org.sealpost.testing.Await.await;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * A device's key-log side without a server: its state in a temporary directory, the log key of
 * a {@link TestKeyLog} pinned, and the verifier wired as the client wires it.
 */
final class KeyLogFixture implements AutoCloseable {
  final Vertx vertx = Vertx.vertx();
  final Context context = vertx.getOrCreateContext();
  final TestKeyLog log = new TestKeyLog();
  final CryptoWorker crypto = new CryptoWorker(vertx);
  final KeyLogStateFile state;
  final KeyLogHeads heads;
  final List<KeyLogAlert> alerts = new CopyOnWriteArrayList<>();
  final ClientListener listener = new ClientListener() {
    @Override
    public void onKeyLogAlert(KeyLogAlert alert) {
      alerts.add(alert);
    }
  };

  KeyLogFixture(Path dir, boolean pinned) {
    state = new KeyLogStateFile(new StateFiles(dir));
    if (pinned) {
      state.update(s -> s.toBuilder().setLogKey(log.publicKey()).build());
    }
    heads = new KeyLogHeads(state, new LogKeyPin(state, crypto, log, "test"), crypto, log);
  }

  /** Runs {@code action} on the client's context, as the SDK calls its collaborators. */
  <T> Future<T> on(Supplier<Future<T>> action) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }

  /** The state as saved, read on the crypto worker. */
  org.sealpost.client.proto.KeyLogState saved() {
    return await(on(() -> crypto.run(state::get)));
  }

  @Override
  public void close() {
    await(crypto.close());
    await(vertx.close());
  }
}
