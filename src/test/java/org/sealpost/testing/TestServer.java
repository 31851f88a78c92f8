package org.sealpost.testing;

import static org.sealpost.testing.Await.await;

import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.sealpost.client.RestClient;
import org.sealpost.client.WireConnection;
import org.sealpost.config.SealpostConfig;
import org.sealpost.config.StoreConfig;
import org.sealpost.limits.RateLimiters;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.server.Server;
import org.sealpost.transparency.KeyLog;

/**
 * A real node on random ports over a data directory, plus the client side tests need: a
 * Vert.x for clients, registration through the REST API, and authenticated connections.
 */
public final class TestServer implements AutoCloseable {
  public static final String TEST_CODE = "123456";
  private static final AtomicInteger NUMBERS = new AtomicInteger();

  private final Path dataDir;
  private final UnaryOperator<SealpostConfig> customize;
  private final UnaryOperator<KeyLog> keyLogView;
  private final Vertx clients = Vertx.vertx();
  private final Map<String, String> testNumbers = new HashMap<>();
  private Server server;
  private RestClient rest;

  public TestServer(Path dataDir) {
    this(dataDir, UnaryOperator.identity());
  }

  public TestServer(Path dataDir, UnaryOperator<SealpostConfig> customize) {
    this(dataDir, customize, UnaryOperator.identity());
  }

  /** A server whose services see {@code keyLogView} of its key log: a test playing a dishonest server. */
  public TestServer(Path dataDir, UnaryOperator<SealpostConfig> customize, UnaryOperator<KeyLog> keyLogView) {
    this.dataDir = dataDir;
    this.customize = customize;
    this.keyLogView = keyLogView;
    for (int i = 0; i < 200; i++) {
      testNumbers.put(number(i), TEST_CODE);
    }
    start();
  }

  /** A test number with a fixed code; unique per call across the JVM. */
  public static String newNumber() {
    return number(NUMBERS.getAndIncrement() % 200);
  }

  private static String number(int i) {
    return String.format("+1555%07d", 1000 + i);
  }

  public void start() {
    SealpostConfig base = SealpostConfig.defaults();
    SealpostConfig config = base
        .withNode(base.node().withDataDir(dataDir.toString()))
        // Tests open many connections from one address at once; ConnectionLimitsTest sets its own cap.
        .withGateway(base.gateway().withPorts(0, 0).withConnectionLimits(base.gateway().maxOutboundBytes(),
            base.gateway().maxPendingRequests(), 0))
        .withMedia(base.media().withPort(0))
        .withAccounts(base.accounts().withTestNumbers(testNumbers))
        .withLimits(RateLimiters.unlimited());
    server = await(Server.start(customize.apply(onTestBackend(config)), keyLogView), 90);
    rest = new RestClient(clients, URI.create("http://127.0.0.1:" + server.httpPort()));
  }

  /**
   * The store backend of the run: embedded, or with {@code -Dsealpost.test.backend=cassandra} the
   * production backends at SEALPOST_TEST_CASSANDRA / SEALPOST_TEST_REDIS (scripts/test.sh runs the
   * end-to-end suites once that way), in one keyspace shared by the run's servers.
   */
  public static boolean onCassandra() {
    return "cassandra".equals(System.getProperty("sealpost.test.backend"));
  }

  /** Where the server's durable data ends up on disk: the data directory, or Cassandra's files. */
  public Path storageDirectory() {
    return onCassandra() ? Path.of(System.getenv().getOrDefault("SEALPOST_VAR", "var"), "cassandra") : dataDir;
  }

  /** The store section of a YAML configuration for a server in another JVM (empty when embedded). */
  public static String storeYaml() {
    if (!onCassandra()) {
      return "";
    }
    return "store:\n  backend: cassandra\n  cassandra:\n    contactPoints: \""
        + System.getenv().getOrDefault("SEALPOST_TEST_CASSANDRA", "127.0.0.1:9042") + "\"\n    keyspace: sealpost_e2e\n"
        + "  redis:\n    uri: \"" + System.getenv().getOrDefault("SEALPOST_TEST_REDIS", "redis://127.0.0.1:6380") + "\"\n"
        + "    keyPrefix: \"sealpost-test-" + java.util.UUID.randomUUID() + ":\"\n";
  }

  /** Each test server's own Redis keys, so rate-limit buckets of one test never reach another. */
  private final String redisPrefix = "sealpost-test-" + java.util.UUID.randomUUID() + ":";

  /** The Redis key prefix of this server's keys (on the Cassandra backend). */
  public String redisPrefix() {
    return redisPrefix;
  }

  /** The Cassandra keyspace the end-to-end servers share. */
  public static final String KEYSPACE = "sealpost_e2e";

  private SealpostConfig onTestBackend(SealpostConfig config) {
    return onCassandra() ? onProductionStores(config, redisPrefix) : config;
  }

  /**
   * {@code config} on the production backends at SEALPOST_TEST_CASSANDRA / SEALPOST_TEST_REDIS, in
   * the keyspace the end-to-end run shares, with Redis keys under {@code redisPrefix}: servers
   * given one prefix share their rate limits, presence and sessions as a cluster's nodes do.
   */
  public static SealpostConfig onProductionStores(SealpostConfig config, String redisPrefix) {
    String cassandra = System.getenv().getOrDefault("SEALPOST_TEST_CASSANDRA", "127.0.0.1:9042");
    String redis = System.getenv().getOrDefault("SEALPOST_TEST_REDIS", "redis://127.0.0.1:6380");
    StoreConfig.CassandraConfig defaults = StoreConfig.CassandraConfig.defaults();
    return config.withStore(new StoreConfig("cassandra",
        new StoreConfig.CassandraConfig(cassandra, defaults.localDatacenter(), "sealpost_e2e", defaults.replication(),
            defaults.consistency(), defaults.serialConsistency(), defaults.requestTimeout()),
        new StoreConfig.RedisConfig(redis, redisPrefix, java.time.Duration.ofSeconds(30))));
  }

  public void stop() {
    if (server != null) {
      await(server.stop(), 30);
      server = null;
    }
  }

  public void restart() {
    stop();
    start();
  }

  public Server server() {
    return server;
  }

  /** Envelopes the gateway has written to connections so far (the sealpost.messages.delivered counter). */
  public long deliveriesWritten() {
    return (long) server.meters().get("sealpost.messages.delivered").counter().count();
  }

  public Vertx clients() {
    return clients;
  }

  public RestClient rest() {
    return rest;
  }

  public URI httpUri() {
    return URI.create("http://127.0.0.1:" + server.httpPort());
  }

  /** Registers a fresh account (primary device) with a test number. */
  public DeviceCredentials register() {
    return register(newNumber());
  }

  public DeviceCredentials register(String number) {
    String session = await(rest.requestCode(number)).getSessionId();
    return await(rest.verify(number, session, TEST_CODE, 1 + Math.abs(number.hashCode() % 16000), "test"));
  }

  public WireConnection connect(Transport transport) {
    return await(transport == Transport.TCP
        ? WireConnection.tcp(clients, "127.0.0.1", server.tcpPort())
        : WireConnection.webSocket(clients, "127.0.0.1", server.httpPort()));
  }

  /** Connects and authenticates; deliveries go to the returned device's inbox. */
  public TestDevice device(DeviceCredentials credentials, Transport transport) {
    return new TestDevice(credentials, connect(transport));
  }

  public TestDevice device(DeviceCredentials credentials) {
    return device(credentials, Transport.TCP);
  }

  @Override
  public void close() {
    stop();
    await(clients.close(), 30);
  }

  public static Duration shortly() {
    return Duration.ofSeconds(5);
  }

  public enum Transport { TCP, WEBSOCKET }
}
