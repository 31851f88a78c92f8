package org.sealpost.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.sealpost.client.SealpostClient;
import org.sealpost.protocol.DeviceCredentials;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code sealpost bench SCENARIO}: a bounded load run (count and time) against a server on
 * loopback, printing a human summary and one JSON line. Without {@code --server} it starts a
 * node in this JVM on a temporary data directory (server and load share the machine, as they
 * would on one box).
 *
 * <p>This class is the command line: its options, their checks, and which scenario runs with
 * what; the node in this JVM is {@link InProcessServer}, the accounts a scenario needs come from
 * {@link AccountSetUp}, and each scenario measures in a class of its own.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Measure a server: one-to-one throughput and latency; group fan-out latency; draining offline"
        + " queues; memory per idle connection; registrations per second; the CPU floor of moving a message's frames.")
public final class BenchCommand implements Callable<Integer> {
  static final String DEFAULT_PREFIX = "+1999";
  static final String DEFAULT_CODE = "999999";

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
    Vertx vertx = newVertx();
    InProcessServer embedded = null;
    try {
      List<NodeAddress> nodes;
      if (server == null) {
        embedded = await(InProcessServer.start(prefix, code));
        nodes = List.of(embedded.address());
        System.out.println("started a node in this JVM on " + embedded.dataDir() + " (tcp " + nodes.get(0).tcpPort() + ")");
      } else {
        nodes = NodeAddress.parse(server, tcpPort);
      }
      AccountSetUp setUp = new AccountSetUp(vertx, nodes, prefix, code, transport.equalsIgnoreCase("websocket"));
      return switch (scenario) {
        case REGISTRATION -> registration(vertx, nodes);
        case OFFLINE_DRAIN -> offlineDrain(vertx, nodes, setUp);
        case GROUP -> group(vertx, nodes, setUp);
        default -> oneToOne(vertx, nodes, setUp, options, peering);
      };
    } finally {
      // clients first: a server stopped under them would log every ack in flight as failed
      close(vertx, 30);
      if (embedded != null) {
        embedded.close();
      }
    }
  }

  private int registration(Vertx vertx, List<NodeAddress> nodes) throws Exception {
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

  /**
   * Senders (at most 20) connected first; --clients receivers registered, not connected, until
   * their backlogs are queued; then all connect.
   */
  private int offlineDrain(Vertx vertx, List<NodeAddress> nodes, AccountSetUp setUp) throws Exception {
    OfflineDrainScenario drain = new OfflineDrainScenario(vertx, backlog, size);
    int senderCount = Math.min(20, clients);
    List<BenchClient> senders = await(setUp.connectAll(senderCount, drain::onServerRequest));
    List<DeviceCredentials> receivers = await(setUp.registerAll(setUp.numbers("7%06d", clients)));
    System.out.println("connected " + senders.size() + " senders; registered " + receivers.size()
        + " offline devices; queueing " + backlog + " messages for each");
    String[] result = await(drain.run(senders, receivers,
        credentials -> setUp.connectByNumber(credentials, drain::onServerRequest), cpuMeter(vertx, nodes)));
    return print(result) && drain.succeeded() ? 0 : 1;
  }

  private int group(Vertx vertx, List<NodeAddress> nodes, AccountSetUp setUp) throws Exception {
    GroupScenario group = new GroupScenario(vertx, messages, size);
    List<BenchClient> members = await(setUp.connectAll(groupSize, group::onServerRequest));
    System.out.println("connected " + members.size() + " members; sending " + messages + " group messages");
    return print(await(group.run(members, cpuMeter(vertx, nodes)))) && group.succeeded() ? 0 : 1;
  }

  private int oneToOne(Vertx vertx, List<NodeAddress> nodes, AccountSetUp setUp, BenchOptions options,
      OneToOneScenario.Peers peering) throws Exception {
    if (peering != OneToOneScenario.Peers.ANY && (nodes.size() < 2 || clients < 2 * nodes.size())) {
      throw new CommandLine.ParameterException(new CommandLine(this),
          "--peers " + peers + " needs at least two --server URLs and two clients per node");
    }
    if (crypto.equals("signal")) {
      return signalOneToOne(vertx, nodes, setUp, options);
    }
    OneToOneScenario scenario = new OneToOneScenario(vertx, options, peering, nodes.size());
    List<BenchClient> connected = await(setUp.connectAll(clients, scenario::onServerRequest));
    System.out.println("connected " + connected.size() + " clients; running " + duration + " s at " + rate + " msg/s");
    return report(await(scenario.run(connected, cpuMeter(vertx, nodes))));
  }

  /** One-to-one with real SDK clients; their keys and sessions live in a temporary directory. */
  private int signalOneToOne(Vertx vertx, List<NodeAddress> nodes, AccountSetUp setUp, BenchOptions options)
      throws Exception {
    try (TempDirectory states = TempDirectory.create("sealpost-bench-clients")) {
      SignalOneToOneScenario signal = new SignalOneToOneScenario(vertx, options);
      List<SealpostClient> connected = await(signal.connect(nodes, states.path(), setUp.numbers("%07d", clients),
          code));
      System.out.println("registered and connected " + connected.size() + " SDK clients; running " + duration
          + " s at " + rate + " msg/s");
      BenchResult result = await(signal.run(connected, cpuMeter(vertx, nodes)));
      await(Future.all(connected.stream().map(SealpostClient::close).toList()));
      return report(result);
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
    Vertx vertx = newVertx();
    try {
      ConnectionsScenario run = new ConnectionsScenario(vertx, URI.create(server), Integer.parseInt(tcpPort.trim()),
          clients, sources, duration, prefix, code);
      print(await(run.run()));
      return 0;
    } finally {
      close(vertx, 60);
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
    Vertx vertx = newVertx();
    try {
      return report(await(new FrameFloorScenario(vertx, options).run(Runtime.getRuntime().availableProcessors(),
          relayTransport.equals("io_uring"))));
    } finally {
      close(vertx, 30);
    }
  }

  /** Measures the servers' CPU from their /metrics, or none when the server runs in this JVM. */
  private CpuMeter cpuMeter(Vertx vertx, List<NodeAddress> nodes) {
    return new CpuMeter(vertx, server == null ? List.of() : nodes.stream().map(NodeAddress::http).toList());
  }

  /** The load's Vert.x: native transport, an event loop per core. */
  private static Vertx newVertx() {
    return Vertx.vertx(new VertxOptions().setPreferNativeTransport(true)
        .setEventLoopPoolSize(Math.max(1, Runtime.getRuntime().availableProcessors())));
  }

  private static void close(Vertx vertx, int seconds) throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
  }

  /** Prints a scenario's human summary and JSON line. */
  private static boolean print(String[] result) {
    System.out.println(result[0]);
    System.out.println(result[1]);
    return true;
  }

  /** Prints the result; exit 0 when no message was lost. */
  private static int report(BenchResult result) {
    System.out.println(result.human());
    System.out.println(result.json());
    return result.lost() == 0 ? 0 : 1;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
  }

  static final class ScenarioConverter implements picocli.CommandLine.ITypeConverter<Scenario> {
    @Override
    public Scenario convert(String value) {
      return Scenario.valueOf(value.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }
  }
}
