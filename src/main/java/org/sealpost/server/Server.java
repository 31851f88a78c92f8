package org.sealpost.server;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import org.sealpost.accounts.AccountsService;
import org.sealpost.accounts.ConsoleVerificationSender;
import org.sealpost.accounts.RegistrationRoutes;
import org.sealpost.bus.Codecs;
import org.sealpost.calls.CallRoutes;
import org.sealpost.calls.TurnCredentialsService;
import org.sealpost.config.ClusterConfig;
import org.sealpost.config.SealpostConfig;
import org.sealpost.config.StoreConfig;
import org.sealpost.api.ApiRoutes;
import org.sealpost.gateway.ConnectionVerticle;
import org.sealpost.gateway.GatewayRoutes;
import org.sealpost.gateway.GatewayContext;
import org.sealpost.gateway.GatewayMetrics;
import org.sealpost.limits.ConnectionsPerAddress;
import org.sealpost.limits.NodeConnections;
import org.sealpost.api.Route;
import org.sealpost.gateway.UnackedBytes;
import org.sealpost.groups.GroupRoutes;
import org.sealpost.groups.GroupsService;
import org.sealpost.keys.KeyRoutes;
import org.sealpost.keys.KeysService;
import org.sealpost.limits.RateLimiters;
import org.sealpost.metrics.BlockedThreadMeter;
import org.sealpost.metrics.EventLoopLag;
import org.sealpost.metrics.ProcessMemoryMetrics;
import org.sealpost.metrics.RouteMetrics;
import org.sealpost.metrics.TimedStores;
import org.sealpost.metrics.MetricsVerticle;
import org.sealpost.ops.OpsEndpoints;
import org.sealpost.ops.Readiness;
import org.sealpost.store.DeviceKey;
import org.sealpost.presence.PresenceRoutes;
import org.sealpost.presence.PresenceService;
import org.sealpost.presence.TypingService;
import org.sealpost.media.MediaRoutes;
import org.sealpost.media.MediaService;
import org.sealpost.lifecycle.AccountDeletion;
import org.sealpost.lifecycle.AccountExporter;
import org.sealpost.lifecycle.AccountRoutes;
import org.sealpost.lifecycle.AccountSweeper;
import org.sealpost.media.MediaSweeper;
import org.sealpost.media.MediaVerticle;
import org.sealpost.privacy.PrivacyRoutes;
import org.sealpost.privacy.PrivacyService;
import org.sealpost.push.NotificationVerticle;
import org.sealpost.push.PushRoutes;
import org.sealpost.push.PushTokens;
import org.sealpost.routing.MessagesService;
import org.sealpost.routing.LocalDevices;
import org.sealpost.routing.MessageRoutes;
import org.sealpost.routing.Router;
import org.sealpost.routing.RouterVerticle;
import org.sealpost.store.Stores;
import org.sealpost.store.cached.CachedStores;
import org.sealpost.store.cached.Invalidations;
import org.sealpost.store.cassandra.CassandraStoreOptions;
import org.sealpost.store.cassandra.CassandraStores;
import org.sealpost.store.embedded.ColumnFamily;
import org.sealpost.store.embedded.EmbeddedStores;
import org.sealpost.store.local.LocalBlobStore;
import org.sealpost.store.redis.RedisStoreOptions;
import org.sealpost.store.redis.RedisStores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Boots one node: Vert.x with metrics, the stores the configuration names, the services, and
 * the verticles. The one place that knows which implementation backs which interface.
 */
public final class Server {
  private static final Logger log = LoggerFactory.getLogger(Server.class);
  private static final Duration REMOTE_TIMEOUT = Duration.ofSeconds(5);
  /** How long a graceful shutdown waits for clients to finish their requests in flight. */
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

  private final SealpostConfig config;
  private final String nodeId;
  private final Vertx vertx;
  private final PrometheusMeterRegistry registry;
  private final List<ConnectionVerticle> gateways = new CopyOnWriteArrayList<>();
  private final List<MediaVerticle> mediaListeners = new CopyOnWriteArrayList<>();
  private Stores stores;
  /** Drops of cached records, from this node's writes and every other node's. */
  private final Invalidations invalidations;
  private ApiRoutes routes;
  /** Set when shutdown starts: /health/ready answers 503 from then on. */
  private volatile boolean stopping;
  private volatile MetricsVerticle metricsListener;
  /** The Hazelcast member, when clustered (for readiness and the members gauge). */
  private volatile io.vertx.spi.cluster.hazelcast.HazelcastClusterManager clusterManager;
  private AutoCloseable blockedThreadMeter = () -> { };

  private Server(SealpostConfig config, String nodeId, Vertx vertx, PrometheusMeterRegistry registry) {
    this.config = config;
    this.nodeId = nodeId;
    this.vertx = vertx;
    this.registry = registry;
    this.invalidations = new Invalidations(vertx);
  }

  /**
   * Starts a node; the future completes once every listener is bound. With {@code cluster.enabled}
   * Vert.x first joins the Hazelcast cluster, so this node's inbox is reachable from the others.
   */
  public static Future<Server> start(SealpostConfig config) {
    String nodeId = config.node().id().isEmpty() ? randomNodeId() : config.node().id();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new ProcessMemoryMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.system.FileDescriptorMetrics().bindTo(registry); // process_files_open_files / _max_files
    VertxOptions options = new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true));
    Transport transport = transport(config.node().transport());
    if (config.node().eventLoopThreads() > 0) {
      options.setEventLoopPoolSize(config.node().eventLoopThreads());
    }
    if (config.node().workerThreads() > 0) {
      options.setWorkerPoolSize(config.node().workerThreads());
    }
    int eventLoops = options.getEventLoopPoolSize();
    io.vertx.spi.cluster.hazelcast.HazelcastClusterManager[] manager = {null};
    Future<Vertx> started;
    if (config.cluster().enabled()) {
      ClusterConfig cluster = config.cluster();
      log.info("{} - joining cluster {} as {}:{} (members {})", nodeId, cluster.name(), cluster.host(), cluster.port(),
          cluster.members().isEmpty() ? "none" : cluster.members());
      options.setEventBusOptions(HazelcastSetup.eventBusOptions(cluster));
      started = Vertx.builder().with(options).withTransport(transport).withMetrics(new MicrometerMetricsFactory(registry))
          .withClusterManager(manager[0] = HazelcastSetup.clusterManager(cluster))
          .buildClustered();
    } else {
      started = Future.succeededFuture(Vertx.builder().with(options).withTransport(transport)
          .withMetrics(new MicrometerMetricsFactory(registry)).build());
    }
    // Completed without a Vert.x context: a failed start closes Vert.x, and a callback queued on
    // one of its closed event loops would never run (the caller would wait for ever).
    Promise<Server> result = Promise.promise();
    started.onFailure(result::tryFail).onSuccess(vertx -> {
      Codecs.register(vertx.eventBus());
      Server server = new Server(config, nodeId, vertx, registry);
      server.clusterManager = manager[0];
      registry.gauge("sealpost.cluster.members", server, Server::clusterMembers);
      server.blockedThreadMeter = BlockedThreadMeter.attach(registry);
      log.info("{} - starting (data dir {}, store {}{}, {} transport)", nodeId, config.node().dataDir(),
          config.store().backend(), config.cluster().enabled() ? ", clustered" : "",
          transport.name());
      server.deploy()
          .compose(v -> vertx.deployVerticle(() -> new EventLoopLag(registry),
              new DeploymentOptions().setInstances(eventLoops)).mapEmpty())
          .onSuccess(v -> {
            log.info("{} - started on {}: tcp {}, http {}, tls tcp {}, https {} (-1: off; websocket at {}), media {}:{},"
                    + " metrics {}{}",
                nodeId, config.gateway().host(), server.tcpPort(), server.httpPort(), server.tlsTcpPort(),
                server.tlsHttpPort(), ConnectionVerticle.WEBSOCKET_PATH, config.media().host(), server.mediaPort(),
                !config.metrics().enabled() ? "off" : server.metricsPort() < 0 ? "on the http port" : server.metricsPort(),
                config.cluster().enabled()
                    ? ", cluster " + config.cluster().host() + ":" + config.cluster().port() + " (event bus "
                        + config.cluster().eventBusPort() + ")"
                    : "");
            result.tryComplete(server);
          })
          .onFailure(err -> {
            log.error("{} - start failed, shutting down: {}", nodeId, err.getMessage(), err);
            server.stop().onComplete(stopped -> result.tryFail(err));
          });
    });
    return result.future();
  }

  /** The configured socket transport, or NIO where this machine lacks it. */
  static Transport transport(String name) {
    Transport wanted = switch (name) {
      case "io_uring" -> Transport.IO_URING;
      case "nio" -> Transport.NIO;
      default -> Transport.EPOLL;
    };
    if (!wanted.available()) {
      log.warn("the {} transport is unavailable here ({}); using NIO", wanted.name(), wanted.unavailabilityCause());
      return Transport.NIO;
    }
    return wanted;
  }

  private Future<Void> deploy() {
    Clock clock = Clock.systemUTC();
    Path mediaDir = config.media().directory(config.node());
    return invalidations.start()
        .compose(v -> openStores(clock))
        .compose(opened -> {
          stores = TimedStores.wrap(opened, registry);
          StoreConfig.CacheConfig cache = config.store().cache();
          if (cache.maxEntries() > 0) {
            stores = CachedStores.wrap(stores, invalidations, cache.maxEntries(), cache.ttl());
          }
          if (opened.resources() instanceof org.sealpost.store.embedded.EmbeddedDatabase db) {
            // an estimate from RocksDB's metadata (memtables and SST properties): cheap enough for every scrape
            Gauge.builder("sealpost.queue.envelopes", db, d -> d.estimatedKeys(ColumnFamily.QUEUE))
                .description("Envelopes queued for all devices (embedded store, estimate)").register(registry);
            io.micrometer.core.instrument.FunctionCounter.builder("sealpost.store.writes.refused", db,
                    org.sealpost.store.embedded.EmbeddedDatabase::refusedWrites)
                .description("Writes refused (503) for lack of disk space").register(registry);
            Gauge.builder("sealpost.store.writable", db, d -> d.writesRefused() == null ? 1 : 0)
                .description("1 while the embedded store takes writes, 0 while a full disk refuses them").register(registry);
          }
          return vertx.executeBlocking(() -> LocalBlobStore.open(vertx, mediaDir, clock));
        })
        .compose(blobs -> {
          RateLimiters limits = new RateLimiters(stores.rateLimits(), config.limits());
          Router router = new Router(vertx, nodeId, stores.sessions(), new LocalDevices(), REMOTE_TIMEOUT);
          AccountsService accounts = new AccountsService(config.accounts(), stores.accounts(), stores.codes(),
              stores.messages(), stores.preKeys(), stores.privacy(), stores.pushTokens(), limits, new ConsoleVerificationSender(), router,
              clock, new SecureRandom());
          PrivacyService privacy = new PrivacyService(stores.privacy(), stores.accounts(), limits);
          MessagesService messages = new MessagesService(config.messages(), stores.accounts(), stores.messages(),
              limits, router, clock, privacy);
          KeysService keys = new KeysService(vertx, stores.accounts(), stores.preKeys(), limits, router);
          PresenceService presence = new PresenceService(stores.presence(), privacy, stores.privacy(),
              stores.accounts(), stores.sessions(), limits, router, clock, registry);
          GroupsService groups = new GroupsService(config.messages(), stores.accounts(), stores.groups(),
              stores.messages(), limits, router, clock, new SecureRandom(), privacy);
          TypingService typing = new TypingService(stores.accounts(), privacy, groups, limits, router, clock);
          MediaService media = new MediaService(config.media(), blobs, accounts, limits, clock, new SecureRandom());
          AccountDeletion.Holdings holdings = new AccountDeletion.Holdings(stores.messages(), stores.preKeys(),
              stores.privacy(), stores.pushTokens(), stores.presence(), stores.groups(), blobs);
          AccountDeletion deletion = new AccountDeletion(accounts, stores.accounts(), holdings, groups, router, limits, clock);
          routes = new ApiRoutes(RouteMetrics.timed(concat(GatewayRoutes.of(), RegistrationRoutes.of(accounts), MessageRoutes.of(messages), KeyRoutes.of(keys),
              AccountRoutes.of(deletion, new AccountExporter(accounts, holdings, limits, clock)),
              PresenceRoutes.of(presence, typing), PrivacyRoutes.of(privacy), GroupRoutes.of(groups), MediaRoutes.of(media, this::mediaPort),
              PushRoutes.of(new PushTokens(config.push(), stores.pushTokens())),
              CallRoutes.of(new TurnCredentialsService(config.turn(), clock))),
              registry));
          OpsEndpoints ops = new OpsEndpoints(nodeId, readiness(), registry, config.metrics().adminToken())
              .withBackup(this::backup);
          GatewayMetrics gatewayMetrics = new GatewayMetrics(registry);
          NodeConnections connections = NodeConnections.forLimit(config.node().maxConnections());
          Gauge.builder("sealpost.connections.open", connections, NodeConnections::open)
              .description("Client connections of the node (gateway and media)").register(registry);
          Gauge.builder("sealpost.connections.max", connections, NodeConnections::max)
              .description("node.maxConnections in effect (0 = no cap)").register(registry);
          io.micrometer.core.instrument.FunctionCounter.builder("sealpost.connections.refused", connections,
                  NodeConnections::refused)
              .description("Connections closed as they opened: the node held node.maxConnections").register(registry);
          GatewayContext gateway = new GatewayContext(config.gateway(), routes, accounts,
              messages, stores.messages(), stores.sessions(), router, gatewayMetrics,
              new ConnectionsPerAddress(config.gateway().maxUnauthenticatedPerIp()),
              new ConnectionsPerAddress(config.gateway().maxHttpConnectionsPerIp()), connections,
              gatewayMetrics.watch(new UnackedBytes(config.gateway().maxNodeUnackedBytes())), presence);
          ConnectionsPerAddress mediaConnections = new ConnectionsPerAddress(config.media().maxConnectionsPerIp());
          return vertx.deployVerticle(new RouterVerticle(nodeId, config.messages(), stores.messages(), clock, router.local()))
              .compose(id -> vertx.deployVerticle(new NotificationVerticle(config.push(), stores.pushTokens(), stores.sessions(),
                  registry, clock)))
              .compose(id -> vertx.deployVerticle(() -> {
                MediaVerticle verticle = new MediaVerticle(media, mediaConnections, connections,
                    config.gateway().authTimeout().toMillis());
                mediaListeners.add(verticle);
                return verticle;
              }, new DeploymentOptions().setInstances(config.media().effectiveInstances())))
              .compose(id -> vertx.deployVerticle(new MediaSweeper(media)))
              .compose(id -> vertx.deployVerticle(new AccountSweeper(deletion, stores.codes(), clock)))
              .compose(id -> {
                if (!config.metrics().ownPort()) {
                  return Future.succeededFuture(id);
                }
                metricsListener = new MetricsVerticle(config.gateway().host(), config.metrics().port(), registry, ops);
                return vertx.deployVerticle(metricsListener);
              })
              .compose(id -> vertx.deployVerticle(() -> {
                boolean metricsHere = config.metrics().enabled() && !config.metrics().ownPort();
                ConnectionVerticle verticle = new ConnectionVerticle(gateway, metricsHere ? registry : null,
                    ops::mount);
                gateways.add(verticle);
                return verticle;
              }, new DeploymentOptions().setInstances(config.gateway().effectiveInstances())));
        })
        .mapEmpty();
  }

  /**
   * Ready: not stopping, each store answers a cheap read (accounts: the durable store; sessions:
   * Redis when configured), and, when clustered, this member is in a running cluster.
   */
  private Readiness readiness() {
    DeviceKey probe = new DeviceKey("+10000000000", 1);
    List<Readiness.Check> checks = new ArrayList<>();
    checks.add(new Readiness.Check("store", () -> stores.accounts().get(probe.number())));
    if (stores.resources() instanceof org.sealpost.store.embedded.EmbeddedDatabase db) {
      checks.add(new Readiness.Check("store writes", () -> db.writesRefused() == null
          ? Future.succeededFuture() : Future.failedFuture("refused: " + db.writesRefused())));
    }
    checks.add(new Readiness.Check("sessions", () -> stores.sessions().lookup(probe)));
    if (clusterManager != null) {
      checks.add(new Readiness.Check("cluster", () -> clusterManager.isActive() && clusterMembers() > 0
          ? Future.succeededFuture() : Future.failedFuture("not a member of a running cluster")));
    }
    return new Readiness(vertx, checks, () -> stopping);
  }

  /**
   * POST /admin/backup: a RocksDB checkpoint of the embedded store in
   * {@code node.dataDir/backups/<UTC time>/rocksdb}, so that directory works as a node.dataDir.
   */
  private Future<String> backup() {
    if (!(stores.resources() instanceof org.sealpost.store.embedded.EmbeddedDatabase db)) {
      return Future.failedFuture("online backup covers the embedded store; back up Cassandra with nodetool snapshot");
    }
    String stamp = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'")
        .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.now());
    Path dir = Path.of(config.node().dataDir(), "backups", stamp);
    return vertx.executeBlocking(() -> java.nio.file.Files.createDirectories(dir))
        .compose(created -> db.checkpoint(dir.resolve(EmbeddedStores.DATABASE_DIRECTORY)))
        .map(done -> {
          log.info("{} - backup of the embedded store written to {}", nodeId, dir);
          return dir.toString();
        });
  }

  private static void closeQuietly(AutoCloseable resource) {
    try {
      resource.close();
    } catch (Exception e) {
      log.debug("closing {} failed", resource, e);
    }
  }

  /** Members of this node's cluster (1 when not clustered). */
  private double clusterMembers() {
    var manager = clusterManager;
    if (manager == null) {
      return 1;
    }
    try {
      return manager.isActive() ? manager.getNodes().size() : 0;
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /** The stores the configuration names: embedded (RocksDB + memory) or Cassandra + Redis. */
  private Future<Stores> openStores(Clock clock) {
    StoreConfig store = config.store();
    if (store.isEmbedded()) {
      return vertx.executeBlocking(() -> EmbeddedStores.open(vertx, Path.of(config.node().dataDir()), clock,
          config.node().minFreeDiskBytes()));
    }
    StoreConfig.CassandraConfig c = store.cassandra();
    CassandraStoreOptions cassandra = CassandraStoreOptions.of(c.contactPoints().split(",")[0].trim())
        .withContactPoints(java.util.Arrays.stream(c.contactPoints().split(",")).map(String::trim).toList())
        .withLocalDatacenter(c.localDatacenter())
        .withKeyspace(c.keyspace())
        .withReplication(c.replication())
        .withConsistency(c.consistency(), c.serialConsistency())
        .withRequestTimeout(c.requestTimeout())
        .withTtls(config.messages().queueTtl(), config.messages().dedupeTtl());
    RedisStoreOptions redis = RedisStoreOptions.of(store.redis().uri()).withKeyPrefix(store.redis().keyPrefix())
        .withSessionTtl(store.redis().sessionTtl());
    return RedisStores.connect(vertx, redis).compose(shared -> CassandraStores.connect(vertx, cassandra, shared.queueCoordination(), clock)
        .map(durable -> {
          Stores both = durable.toStores(shared.codes(), shared.rateLimits(), shared.sessions(), shared.presence());
          return new Stores(both.accounts(), both.codes(), both.messages(), both.preKeys(), both.rateLimits(),
              both.sessions(), both.privacy(), both.presence(), both.groups(), both.pushTokens(), () -> {
                shared.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
                both.resources().close();
              });
        })
        .recover(err -> shared.close().transform(closed -> Future.failedFuture(err))));
  }

  /**
   * Drains the clients (each is told to reconnect to another node and closed once its requests
   * in flight are answered, see {@link ConnectionVerticle#drain()}), stops the verticles
   * (listeners go with them), closes the stores while Vert.x still runs (their clients need it),
   * then closes Vert.x, which leaves the cluster.
   */
  public Future<Void> stop() {
    log.info("{} - shutdown initiated", nodeId);
    return drain().transform(drained -> {
      List<Future<Void>> undeploying = new ArrayList<>();
      for (String id : vertx.deploymentIDs()) {
        undeploying.add(vertx.undeploy(id));
      }
      return Future.join(undeploying);
    })
        .transform(v -> stores == null ? Future.<Void>succeededFuture() : stores.close(vertx))
        .onFailure(err -> log.warn("{} - closing the stores failed", nodeId, err))
        .transform(v -> vertx.close())
        .onComplete(ar -> {
          closeQuietly(blockedThreadMeter);
          log.info("{} - shutdown completed", nodeId);
        });
  }

  /**
   * Graceful shutdown's first step, bounded by {@link #DRAIN_TIMEOUT}: /health/ready turns 503,
   * new connections are refused and clients leave for other nodes. {@link #stop()} starts with it.
   */
  public Future<Void> drain() {
    stopping = true;
    if (gateways.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Future<Void>> draining = new ArrayList<>();
    for (ConnectionVerticle gateway : gateways) {
      draining.add(gateway.drain());
    }
    return Future.join(draining).<Void>mapEmpty()
        .timeout(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .onSuccess(v -> log.info("{} - clients drained", nodeId))
        .recover(err -> {
          log.warn("{} - clients not drained within {}: closing the rest", nodeId, DRAIN_TIMEOUT);
          return Future.succeededFuture();
        });
  }

  public int tcpPort() {
    return gateways.get(0).tcpPort();
  }

  public int httpPort() {
    return gateways.get(0).httpPort();
  }

  /** The TLS frame port, or -1 when TLS is off. */
  public int tlsTcpPort() {
    return gateways.get(0).tlsTcpPort();
  }

  /** The HTTPS (REST and wss) port, or -1 when TLS is off. */
  public int tlsHttpPort() {
    return gateways.get(0).tlsHttpPort();
  }

  /** Every API route the node serves. */
  public ApiRoutes routes() {
    return routes;
  }

  /** The node's meters, as /metrics shows them. */
  public io.micrometer.core.instrument.MeterRegistry meters() {
    return registry;
  }

  /** The port of /metrics' own listener (metrics.port), or -1 when /metrics is on the HTTP port. */
  public int metricsPort() {
    return metricsListener == null ? -1 : metricsListener.port();
  }

  /** The media listener's port (uploads and downloads of blobs). */
  public int mediaPort() {
    return mediaListeners.get(0).port();
  }

  public String nodeId() {
    return nodeId;
  }

  public Vertx vertx() {
    return vertx;
  }

  public SealpostConfig config() {
    return config;
  }

  /** The stores the node runs on (as its services see them: timed, and cached when configured). */
  public Stores stores() {
    return stores;
  }

  @SafeVarargs
  private static List<Route> concat(List<Route>... features) {
    List<Route> all = new ArrayList<>();
    for (List<Route> routes : features) {
      all.addAll(routes);
    }
    return all;
  }

  private static String randomNodeId() {
    byte[] bytes = new byte[4];
    new SecureRandom().nextBytes(bytes);
    return "node-" + HexFormat.of().formatHex(bytes);
  }
}
