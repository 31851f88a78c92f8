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
import picocli.CommandLine;
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
    description = "Measure a server: one-to-one throughput and latency; group fan-out latency; memory per idle connection.")
public final class BenchCommand implements Callable<Integer> {
  static final String DEFAULT_PREFIX = "+1999";
  static final String DEFAULT_CODE = "999999";

  enum Scenario { ONE_TO_ONE, GROUP, CONNECTIONS }

  @Parameters(index = "0", paramLabel = "SCENARIO", description = "one-to-one | group | connections", converter = ScenarioConverter.class)
  Scenario scenario;

  @Option(names = "--server", paramLabel = "URL[,URL...]",
      description = "A running server's HTTP URL, or several nodes of one cluster comma-separated: client i connects to"
          + " node i mod N (each must give the test prefix a fixed code, see --prefix). Default: start one in this JVM.")
  String server;

  @Option(names = "--tcp-port", paramLabel = "N[,N...]",
      description = "The servers' TCP ports (with --server): one for all, or one per URL. Default: ${DEFAULT-VALUE}.")
  String tcpPort = "5222";

  @Option(names = "--peers", description = "Who a client sends to: any, same-node or other-node (with several --server URLs). Default: ${DEFAULT-VALUE}.")
  String peers = "any";

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

  @Option(names = "--group-size", description = "group: members, the sender included. Default: ${DEFAULT-VALUE}.")
  int groupSize = 1024;

  @Option(names = "--messages", description = "group: messages sent one after another. Default: ${DEFAULT-VALUE}.")
  int messages = 20;

  @Option(names = "--crypto", description = "group: none (opaque payloads; the server's work is the same). Default: ${DEFAULT-VALUE}.")
  String crypto = "none";

  @Option(names = "--source-addresses", description = "connections: local addresses 127.0.0.2.. to connect from"
      + " (each gives ~28,000 ports towards one server port). Default: one per 25,000 clients.")
  int sourceAddresses;

  @Option(names = "--prefix", description = "Number prefix of the bench accounts; the server must map \"<prefix>*\" to --code in accounts.testNumbers. Default: ${DEFAULT-VALUE}.")
  String prefix = DEFAULT_PREFIX;

  @Option(names = "--code", description = "The fixed verification code of the prefix. Default: ${DEFAULT-VALUE}.")
  String code = DEFAULT_CODE;

  @Override
  public Integer call() throws Exception {
    if (scenario == Scenario.GROUP && !GroupScenario.cryptoModes().contains(crypto)) {
      throw new IllegalArgumentException("--crypto must be one of " + GroupScenario.cryptoModes());
    }
    if (scenario == Scenario.GROUP && (groupSize < 2 || groupSize > 1024)) {
      throw new IllegalArgumentException("--group-size must be 2..1024");
    }
    BenchOptions options = new BenchOptions(scenario == Scenario.GROUP ? groupSize : clients, rate, duration, size,
        maxOutstanding);
    OneToOneScenario.Peers peering = OneToOneScenario.Peers.parse(peers);
    if (scenario == Scenario.CONNECTIONS) {
      return connections();
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Math.max(1, Runtime.getRuntime().availableProcessors())));
    Server embedded = null;
    Path dataDir = null;
    try {
      List<Node> nodes;
      if (server == null) {
        dataDir = Files.createTempDirectory("sealpost-bench");
        embedded = await(Server.start(benchServerConfig(dataDir)));
        nodes = List.of(new Node(URI.create("http://127.0.0.1:" + embedded.httpPort()), embedded.tcpPort()));
        System.out.println("started a node in this JVM on " + dataDir + " (tcp " + embedded.tcpPort() + ")");
      } else {
        nodes = Node.parse(server, tcpPort);
      }
      if (scenario == Scenario.GROUP) {
        GroupScenario group = new GroupScenario(vertx, messages, size);
        List<BenchClient> members = await(connectAll(vertx, nodes, groupSize, group::onServerRequest));
        System.out.println("connected " + members.size() + " members; sending " + messages + " group messages");
        String[] result = await(group.run(members));
        System.out.println(result[0]);
        System.out.println(result[1]);
        return group.succeeded() ? 0 : 1;
      }
      if (peering != OneToOneScenario.Peers.ANY && (nodes.size() < 2 || clients < 2 * nodes.size())) {
        throw new CommandLine.ParameterException(new CommandLine(this),
            "--peers " + peers + " needs at least two --server URLs and two clients per node");
      }
      OneToOneScenario scenario = new OneToOneScenario(vertx, options, peering, nodes.size());
      List<BenchClient> connected = await(connectAll(vertx, nodes, clients, scenario::onServerRequest));
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

  /** One server to connect clients to: its HTTP URL and TCP port. */
  record Node(URI http, int tcpPort) {
    static List<Node> parse(String urls, String ports) {
      String[] servers = urls.split(",");
      String[] tcp = ports.split(",");
      if (tcp.length != 1 && tcp.length != servers.length) {
        throw new IllegalArgumentException("--tcp-port takes one port, or one per --server URL");
      }
      List<Node> nodes = new ArrayList<>();
      for (int i = 0; i < servers.length; i++) {
        nodes.add(new Node(URI.create(servers[i].trim()), Integer.parseInt(tcp[tcp.length == 1 ? 0 : i].trim())));
      }
      return nodes;
    }
  }

  /**
   * Idle connections against a server in its own process (in this JVM the clients would be
   * counted as server memory).
   */
  private int connections() throws Exception {
    if (server == null || server.contains(",")) {
      throw new CommandLine.ParameterException(new CommandLine(this),
          "connections measures a server in its own process: give one --server URL (and --tcp-port)");
    }
    int sources = sourceAddresses > 0 ? sourceAddresses : Math.max(1, (clients + 24_999) / 25_000);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Math.max(1, Runtime.getRuntime().availableProcessors())));
    try {
      ConnectionsScenario run = new ConnectionsScenario(vertx, URI.create(server), Integer.parseInt(tcpPort.trim()),
          clients, sources, duration, prefix, code);
      String[] result = await(run.run());
      System.out.println(result[0]);
      System.out.println(result[1]);
      return 0;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  /** Registers and connects {@code clients} accounts, spread round-robin over the nodes. */
  private Future<List<BenchClient>> connectAll(Vertx vertx, List<Node> nodes, int clients,
      org.sealpost.client.WireConnection.ServerRequestHandler onRequest) {
    List<RestClient> rests = nodes.stream().map(node -> new RestClient(vertx, node.http())).toList();
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
          Node node = nodes.get(i % nodes.size());
          RestClient rest = rests.get(i % nodes.size());
          connecting.add(BenchClient.register(rest, number, code)
              .compose(credentials -> BenchClient.connect(vertx, node.http(), node.tcpPort(), webSocket, credentials,
                  onRequest)));
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
        .withGateway(base.gateway().withPorts(0, 0).withConnectionLimits(base.gateway().maxOutboundBytes(),
            base.gateway().maxPendingRequests(), 0))
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
