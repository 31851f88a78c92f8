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
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
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
    description = "Measure a server: one-to-one throughput and latency; group fan-out latency; draining offline"
        + " queues; memory per idle connection; registrations per second; the CPU floor of moving a message's frames.")
public final class BenchCommand implements Callable<Integer> {
  static final String DEFAULT_PREFIX = "+1999";
  static final String DEFAULT_CODE = "999999";
  /**
   * Accounts registered (and connected) at once while setting up a scenario, each over an HTTP
   * connection of its own: a burst the server's accept and auth paths take.
   */
  private static final int SETUP_BATCH = 50;

  enum Scenario { ONE_TO_ONE, GROUP, OFFLINE_DRAIN, CONNECTIONS, REGISTRATION, FRAME_FLOOR }

  @Parameters(index = "0", paramLabel = "SCENARIO",
      description = "one-to-one | group | offline-drain | connections | registration | frame-floor", converter = ScenarioConverter.class)
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

  @Option(names = "--warmup", description = "one-to-one: seconds of load before the measured --duration (not counted;"
      + " a fresh JVM compiles its hot code meanwhile). Default: ${DEFAULT-VALUE}.")
  int warmup = 10;

  @Option(names = "--size", description = "Payload bytes per message. Default: ${DEFAULT-VALUE}.")
  int size = 300;

  @Option(names = "--max-outstanding", description = "Unanswered sends before new ones count as errors. Default: ${DEFAULT-VALUE}.")
  int maxOutstanding = 20_000;

  @Option(names = "--group-size", description = "group: members, the sender included. Default: ${DEFAULT-VALUE}.")
  int groupSize = 1024;

  @Option(names = "--messages", description = "group: messages sent one after another. Default: ${DEFAULT-VALUE}.")
  int messages = 20;

  @Option(names = "--backlog", description = "offline-drain: messages queued per device before it connects. Default: ${DEFAULT-VALUE}.")
  int backlog = 100;

  @Option(names = "--accounts", description = "registration: accounts to register (or until --duration ends). Default: ${DEFAULT-VALUE}.")
  int accounts = 2000;

  @Option(names = "--crypto", description = "none: opaque random payloads (the server alone); signal: real SDK clients"
      + " with libsignal sessions (one-to-one only). Default: ${DEFAULT-VALUE}.")
  String crypto = "none";

  @Option(names = "--source-addresses", description = "connections: local addresses 127.0.0.2.. to connect from"
      + " (each gives ~28,000 ports towards one server port). Default: one per 25,000 clients.")
  int sourceAddresses;

  @Option(names = "--relay-transport", description = "frame-floor: the relay's transport, epoll or io_uring (as"
      + " node.transport). Default: ${DEFAULT-VALUE}.")
  String relayTransport = "epoll";

  @Option(names = "--prefix", description = "Number prefix of the bench accounts; the server must map \"<prefix>*\" to --code in accounts.testNumbers. Default: ${DEFAULT-VALUE}.")
  String prefix = DEFAULT_PREFIX;

  @Option(names = "--code", description = "The fixed verification code of the prefix. Default: ${DEFAULT-VALUE}.")
  String code = DEFAULT_CODE;

  @Override
  public Integer call() throws Exception {
    try {
      return run();
    } catch (Exception e) {
      Optional<String> explained = ServerRefusals.explain(e, prefix, code);
      if (explained.isEmpty()) {
        throw e;
      }
      System.err.println(explained.get());
      return 2;
    }
  }

  private int run() throws Exception {
    if (!crypto.equals("none") && !(crypto.equals("signal") && scenario == Scenario.ONE_TO_ONE)) {
      throw new IllegalArgumentException("--crypto must be none, or signal with one-to-one");
    }
    if (scenario == Scenario.GROUP && (groupSize < 2 || groupSize > 1024)) {
      throw new IllegalArgumentException("--group-size must be 2..1024");
    }
    BenchOptions options = new BenchOptions(scenario == Scenario.GROUP ? groupSize : Math.max(2, clients), rate,
        duration, warmup, size, maxOutstanding);
    OneToOneScenario.Peers peering = OneToOneScenario.Peers.parse(peers);
    if (scenario == Scenario.CONNECTIONS) {
      return connections();
    }
    if (scenario == Scenario.FRAME_FLOOR) {
      return frameFloor(options);
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(Math.max(1, Runtime.getRuntime().availableProcessors())));
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
      if (scenario == Scenario.REGISTRATION) {
        if (nodes.size() != 1) {
          throw new CommandLine.ParameterException(new CommandLine(this), "registration measures one server");
        }
        RegistrationScenario registration = new RegistrationScenario(vertx, nodes.get(0).http(), accounts, clients,
            duration, prefix, code);
        if (print(await(registration.run())) && registration.succeeded()) {
          return 0;
        }
        Optional<String> refused = registration.firstFailure().flatMap(f -> ServerRefusals.explain(f, prefix, code));
        refused.ifPresent(System.err::println);
        return refused.isPresent() ? 2 : 1;
      }
      if (scenario == Scenario.OFFLINE_DRAIN) {
        return offlineDrain(vertx, nodes);
      }
      if (scenario == Scenario.GROUP) {
        GroupScenario group = new GroupScenario(vertx, messages, size);
        List<BenchClient> members = await(connectAll(vertx, nodes, groupSize, group::onServerRequest));
        System.out.println("connected " + members.size() + " members; sending " + messages + " group messages");
        return print(await(group.run(members, cpuMeter(vertx, nodes)))) && group.succeeded() ? 0 : 1;
      }
      if (peering != OneToOneScenario.Peers.ANY && (nodes.size() < 2 || clients < 2 * nodes.size())) {
        throw new CommandLine.ParameterException(new CommandLine(this),
            "--peers " + peers + " needs at least two --server URLs and two clients per node");
      }
      if (crypto.equals("signal")) {
        return signalOneToOne(vertx, nodes, options);
      }
      OneToOneScenario scenario = new OneToOneScenario(vertx, options, peering, nodes.size());
      List<BenchClient> connected = await(connectAll(vertx, nodes, clients, scenario::onServerRequest));
      System.out.println("connected " + connected.size() + " clients; running " + duration + " s at " + rate + " msg/s");
      BenchResult result = await(scenario.run(connected, cpuMeter(vertx, nodes)));
      System.out.println(result.human());
      System.out.println(result.json());
      return result.lost() == 0 ? 0 : 1;
    } finally {
      // clients first: a server stopped under them would log every ack in flight as failed
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      if (embedded != null) {
        await(embedded.stop());
        deleteTree(dataDir);
      }
    }
  }

  /**
   * Senders (at most 20) connected first; --clients receivers registered, not connected, until
   * their backlogs are queued; then all connect.
   */
  private int offlineDrain(Vertx vertx, List<Node> nodes) throws Exception {
    OfflineDrainScenario drain = new OfflineDrainScenario(vertx, backlog, size);
    int senderCount = Math.min(20, clients);
    List<BenchClient> senders = await(connectAll(vertx, nodes, senderCount, drain::onServerRequest));
    List<String> numbers = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      numbers.add(String.format("%s7%06d", prefix, i));
    }
    List<DeviceCredentials> receivers = await(registerAll(vertx, nodes, numbers));
    System.out.println("connected " + senders.size() + " senders; registered " + receivers.size()
        + " offline devices; queueing " + backlog + " messages for each");
    boolean webSocket = transport.equalsIgnoreCase("websocket");
    String[] result = await(drain.run(senders, receivers, credentials -> {
      Node node = nodes.get(Math.floorMod(credentials.getNumber().hashCode(), nodes.size()));
      return BenchClient.connect(vertx, node.http(), node.tcpPort(), webSocket, credentials, drain::onServerRequest);
    }, cpuMeter(vertx, nodes)));
    return print(result) && drain.succeeded() ? 0 : 1;
  }

  /** One-to-one with real SDK clients; their keys and sessions live in a temporary directory. */
  private int signalOneToOne(Vertx vertx, List<Node> nodes, BenchOptions options) throws Exception {
    Path states = Files.createTempDirectory("sealpost-bench-clients");
    SignalOneToOneScenario signal = new SignalOneToOneScenario(vertx, options);
    List<String> numbers = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      numbers.add(String.format("%s%07d", prefix, i));
    }
    try {
      List<org.sealpost.client.SealpostClient> connected = await(signal.connect(nodes, states, numbers, code));
      System.out.println("registered and connected " + connected.size() + " SDK clients; running " + duration
          + " s at " + rate + " msg/s");
      BenchResult result = await(signal.run(connected, cpuMeter(vertx, nodes)));
      await(Future.all(connected.stream().map(org.sealpost.client.SealpostClient::close).toList()));
      System.out.println(result.human());
      System.out.println(result.json());
      return result.lost() == 0 ? 0 : 1;
    } finally {
      deleteTree(states);
    }
  }

  /** Measures the servers' CPU from their /metrics, or none when the server runs in this JVM. */
  private CpuMeter cpuMeter(Vertx vertx, List<Node> nodes) {
    return new CpuMeter(vertx, server == null ? List.of() : nodes.stream().map(Node::http).toList());
  }

  private static boolean print(String[] result) {
    System.out.println(result[0]);
    System.out.println(result[1]);
    return true;
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
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(Math.max(1, Runtime.getRuntime().availableProcessors())));
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

  /**
   * The one-to-one load against a bare relay in this JVM (its own event loops, as many as a server
   * has): what the frames alone cost, with no server.
   */
  private int frameFloor(BenchOptions options) throws Exception {
    if (server != null) {
      throw new CommandLine.ParameterException(new CommandLine(this), "frame-floor runs its own relay: no --server");
    }
    if (!relayTransport.equals("epoll") && !relayTransport.equals("io_uring")) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--relay-transport must be epoll or io_uring");
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(Math.max(1, Runtime.getRuntime().availableProcessors())));
    try {
      BenchResult result = await(new FrameFloorScenario(vertx, options).run(Runtime.getRuntime().availableProcessors(),
          relayTransport.equals("io_uring")));
      System.out.println(result.human());
      System.out.println(result.json());
      return result.lost() == 0 ? 0 : 1;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** Registers the numbers, spread round-robin over the nodes, without connecting. */
  private Future<List<DeviceCredentials>> registerAll(Vertx vertx, List<Node> nodes, List<String> numbers) {
    List<RestClient> rests = nodes.stream().map(node -> new RestClient(vertx, node.http(), SETUP_BATCH)).toList();
    return inBatches(numbers.size(), i -> BenchClient.register(rests.get(i % rests.size()), numbers.get(i), code));
  }

  /** Registers and connects {@code clients} accounts, client i on node i mod N. */
  private Future<List<BenchClient>> connectAll(Vertx vertx, List<Node> nodes, int clients,
      org.sealpost.client.WireConnection.ServerRequestHandler onRequest) {
    List<String> numbers = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      numbers.add(String.format("%s%07d", prefix, i));
    }
    boolean webSocket = transport.equalsIgnoreCase("websocket");
    return registerAll(vertx, nodes, numbers).compose(registered -> inBatches(registered.size(), i -> {
      Node node = nodes.get(i % nodes.size());
      return BenchClient.connect(vertx, node.http(), node.tcpPort(), webSocket, registered.get(i), onRequest);
    }));
  }

  /** Starts {@code count} operations {@link #SETUP_BATCH} at a time, in order. */
  private static <T> Future<List<T>> inBatches(int count, IntFunction<Future<T>> start) {
    Future<List<T>> chain = Future.succeededFuture(new ArrayList<>());
    for (int first = 0; first < count; first += SETUP_BATCH) {
      int from = first;
      int to = Math.min(count, first + SETUP_BATCH);
      chain = chain.compose(list -> {
        List<Future<T>> batch = new ArrayList<>();
        for (int i = from; i < to; i++) {
          batch.add(start.apply(i));
        }
        return Future.all(batch).map(all -> {
          list.addAll(all.<T>list());
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
            base.gateway().maxPendingRequests(), 0).withMaxHttpConnectionsPerIp(0)) // every client is on 127.0.0.1
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
