package org.sealpost.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.sealpost.client.RestClient;
import org.sealpost.client.WireConnection.ServerRequestHandler;
import org.sealpost.protocol.DeviceCredentials;

/**
 * A scenario's set-up: the bench's accounts (numbers under {@code --prefix}, registered with the
 * fixed {@code --code}) registered and connected over the nodes, in batches.
 */
final class AccountSetUp {
  /**
   * Accounts registered (and connected) at once while setting up a scenario, each over an HTTP
   * connection of its own: a burst the server's accept and auth paths take.
   */
  private static final int SETUP_BATCH = 50;

  private final Vertx vertx;
  private final List<NodeAddress> nodes;
  private final String prefix;
  private final String code;
  private final boolean webSocket;

  AccountSetUp(Vertx vertx, List<NodeAddress> nodes, String prefix, String code, boolean webSocket) {
    this.vertx = vertx;
    this.nodes = nodes;
    this.prefix = prefix;
    this.code = code;
    this.webSocket = webSocket;
  }

  /** {@code count} numbers: the prefix, then {@code format} (e.g. {@code "%07d"}) of 0, 1, 2... */
  List<String> numbers(String format, int count) {
    List<String> numbers = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      numbers.add(prefix + String.format(format, i));
    }
    return numbers;
  }

  /** Registers the numbers, spread round-robin over the nodes, without connecting. */
  Future<List<DeviceCredentials>> registerAll(List<String> numbers) {
    List<RestClient> rests = nodes.stream().map(node -> new RestClient(vertx, node.http(), SETUP_BATCH)).toList();
    return inBatches(numbers.size(), SETUP_BATCH,
        i -> BenchClient.register(rests.get(i % rests.size()), numbers.get(i), code));
  }

  /** Registers and connects {@code clients} accounts, client i on node i mod N. */
  Future<List<BenchClient>> connectAll(int clients, ServerRequestHandler onRequest) {
    return registerAll(numbers("%07d", clients)).compose(registered -> inBatches(registered.size(), SETUP_BATCH,
        i -> connect(nodes.get(i % nodes.size()), registered.get(i), onRequest)));
  }

  /** Connects a registered device to the node its number hashes to. */
  Future<BenchClient> connectByNumber(DeviceCredentials credentials, ServerRequestHandler onRequest) {
    return connect(nodes.get(Math.floorMod(credentials.getNumber().hashCode(), nodes.size())), credentials, onRequest);
  }

  private Future<BenchClient> connect(NodeAddress node, DeviceCredentials credentials, ServerRequestHandler onRequest) {
    return BenchClient.connect(vertx, node.http(), node.tcpPort(), webSocket, credentials, onRequest);
  }

  /** Starts {@code count} operations {@code batch} at a time, in order. */
  static <T> Future<List<T>> inBatches(int count, int batch, IntFunction<Future<T>> start) {
    Future<List<T>> chain = Future.succeededFuture(new ArrayList<>());
    for (int first = 0; first < count; first += batch) {
      int from = first;
      int to = Math.min(count, first + batch);
      chain = chain.compose(list -> {
        List<Future<T>> started = new ArrayList<>();
        for (int i = from; i < to; i++) {
          started.add(start.apply(i));
        }
        return Future.all(started).map(all -> {
          list.addAll(all.<T>list());
          return list;
        });
      });
    }
    return chain;
  }
}
