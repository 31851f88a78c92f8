package org.sealpost.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.sealpost.client.RestClient;
import org.sealpost.config.SealpostConfig;
import org.sealpost.limits.RateLimiters;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.server.Server;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sealpost bench SCENARIO}: a bounded load run (count and time) against a server on
 * loopback, printing a human summary and one JSON line. Without {@code --server} it starts a
 * node in this JVM on a temporary data directory (server and load share the machine, as they
 * would on one box).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Measure a server: one-to-one throughput and latency (more scenarios to come).")
public final class BenchCommand implements Callable<Integer> {
  static final String DEFAULT_PREFIX = "+1999";
  static final String DEFAULT_CODE = "999999";

  enum Scenario { ONE_TO_ONE }

  @Parameters(index = "0", paramLabel = "SCENARIO", description = "one-to-one", converter = ScenarioConverter.class)
  Scenario scenario;

  @Option(names = "--server", paramLabel = "URL",
      description = "A running server's HTTP URL (it must give the test prefix a fixed code, see --prefix). Default: start one in this JVM.")
  URI server;

  @Option(names = "--tcp-port", description = "The server's TCP port (with --server). Default: ${DEFAULT-VALUE}.")
  int tcpPort = 5222;

  @Option(names = "--transport", description = "tcp or websocket. Default: ${DEFAULT-VALUE}.")
  String transport = "tcp";

  @Option(names = "--clients", description = "Connected clients. Default: ${DEFAULT-VALUE}.")
  int clients = 100;

  @Option(names = "--rate", description = "Total target messages per second. Default: ${DEFAULT-VALUE}.")
  int rate = 5000;

  @Option(names = "--duration", description = "Seconds of load. Default: ${DEFAULT-VALUE}.")
  int duration = 10;

  @Option(names = "--size", description = "Payload bytes per message. Default: ${DEFAULT-VALUE}.")
  int size = 300;

  @Option(names = "--max-outstanding", description = "Unanswered sends before new ones count as errors. Default: ${DEFAULT-VALUE}.")
  int maxOutstanding = 20_000;

  @Option(names = "--prefix", description = "Number prefix of the bench accounts; the server must map \"<prefix>*\" to --code in accounts.testNumbers. Default: ${DEFAULT-VALUE}.")
  String prefix = DEFAULT_PREFIX;

  @Option(names = "--code", description = "The fixed verification code of the prefix. Default: ${DEFAULT-VALUE}.")
  String code = DEFAULT_CODE;

  @Override
  public Integer call() throws Exception {
    BenchOptions options = new BenchOptions(clients, rate, duration, size, maxOutstanding);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Math.max(1, Runtime.getRuntime().availableProcessors())));
    Server embedded = null;
    Path dataDir = null;
    try {
      URI target = server;
      int targetTcpPort = tcpPort;
      if (target == null) {
        dataDir = Files.createTempDirectory("sealpost-bench");
        embedded = await(Server.start(benchServerConfig(dataDir)));
        target = URI.create("http://127.0.0.1:" + embedded.httpPort());
        targetTcpPort = embedded.tcpPort();
        System.out.println("started a node in this JVM on " + dataDir + " (tcp " + targetTcpPort + ")");
      }
      OneToOneScenario scenario = new OneToOneScenario(vertx, options);
      List<BenchClient> connected = await(connectAll(vertx, target, targetTcpPort, scenario));
      System.out.println("connected " + connected.size() + " clients; running " + duration + " s at " + rate + " msg/s");
      BenchResult result = await(scenario.run(connected));
      System.out.println(result.human());
      System.out.println(result.json());
      return result.lost() == 0 ? 0 : 1;
    } finally {
      if (embedded != null) {
        await(embedded.stop());
        deleteTree(dataDir);
      }
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private Future<List<BenchClient>> connectAll(Vertx vertx, URI target, int targetTcpPort, OneToOneScenario scenario) {
    RestClient rest = new RestClient(vertx, target);
    boolean webSocket = transport.equalsIgnoreCase("websocket");
    Future<List<BenchClient>> chain = Future.succeededFuture(new ArrayList<>());
    int batch = 50;
    for (int first = 0; first < clients; first += batch) {
      int from = first;
      int to = Math.min(clients, first + batch);
      chain = chain.compose(list -> {
        List<Future<BenchClient>> connecting = new ArrayList<>();
        for (int i = from; i < to; i++) {
          String number = String.format("%s%07d", prefix, i);
          connecting.add(BenchClient.register(rest, number, code)
              .compose(credentials -> BenchClient.connect(vertx, target, targetTcpPort, webSocket, credentials, scenario::onServerRequest)));
        }
        return Future.all(connecting).map(all -> {
          for (int i = 0; i < all.size(); i++) {
            list.add(all.resultAt(i));
          }
          return list;
        });
      });
    }
    return chain;
  }

  private SealpostConfig benchServerConfig(Path dataDir) {
    SealpostConfig base = new org.sealpost.config.ConfigLoader().load(null, System.getenv());
    return base.withNode(base.node().withDataDir(dataDir.toString()))
        .withGateway(base.gateway().withPorts(0, 0))
        .withMedia(base.media().withPort(0))
        .withAccounts(base.accounts().withTestNumbers(Map.of(prefix + "*", code)))
        .withLimits(RateLimiters.unlimited());
  }

  /** Completes after {@code millis} on a timer. */
  static Future<Void> after(Vertx vertx, long millis) {
    Promise<Void> promise = Promise.promise();
    vertx.setTimer(Math.max(1, millis), id -> promise.complete());
    return promise.future();
  }

  /** Completes with true once the condition holds, false at the deadline; checked every 50 ms. */
  static Future<Boolean> poll(Vertx vertx, BooleanSupplier condition, long deadlineMillis) {
    if (condition.getAsBoolean()) {
      return Future.succeededFuture(true);
    }
    if (System.currentTimeMillis() >= deadlineMillis) {
      return Future.succeededFuture(false);
    }
    return after(vertx, 50).compose(v -> poll(vertx, condition, deadlineMillis));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  static final class ScenarioConverter implements picocli.CommandLine.ITypeConverter<Scenario> {
    @Override
    public Scenario convert(String value) {
      return Scenario.valueOf(value.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }
  }
}
