package org.sealpost.server;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
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
import org.sealpost.bus.Codecs;
import org.sealpost.config.ClusterConfig;
import org.sealpost.config.SealpostConfig;
import org.sealpost.config.StoreConfig;
import org.sealpost.gateway.ApiRoutes;
import org.sealpost.gateway.ConnectionVerticle;
import org.sealpost.gateway.CoreRoutes;
import org.sealpost.gateway.GatewayContext;
import org.sealpost.gateway.GatewayMetrics;
import org.sealpost.gateway.Route;
import org.sealpost.keys.KeyRoutes;
import org.sealpost.keys.KeysService;
import org.sealpost.limits.RateLimiters;
import org.sealpost.push.LogPushProvider;
import org.sealpost.push.NotificationVerticle;
import org.sealpost.routing.MessagesService;
import org.sealpost.routing.Router;
import org.sealpost.routing.RouterVerticle;
import org.sealpost.store.Stores;
import org.sealpost.store.cassandra.CassandraStoreOptions;
import org.sealpost.store.cassandra.CassandraStores;
import org.sealpost.store.embedded.EmbeddedStores;
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
  private Stores stores;

  private Server(SealpostConfig config, String nodeId, Vertx vertx, PrometheusMeterRegistry registry) {
    this.config = config;
    this.nodeId = nodeId;
    this.vertx = vertx;
    this.registry = registry;
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
    VertxOptions options = new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true));
    Future<Vertx> started;
    if (config.cluster().enabled()) {
      ClusterConfig cluster = config.cluster();
      log.info("{} - joining cluster {} as {}:{} (members {})", nodeId, cluster.name(), cluster.host(), cluster.port(),
          cluster.members().isEmpty() ? "none" : cluster.members());
      options.setEventBusOptions(HazelcastSetup.eventBusOptions(cluster));
      started = Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry))
          .withClusterManager(HazelcastSetup.clusterManager(cluster))
          .buildClustered();
    } else {
      started = Future.succeededFuture(Vertx.builder().with(options)
          .withMetrics(new MicrometerMetricsFactory(registry)).build());
    }
    return started.compose(vertx -> {
      Codecs.register(vertx.eventBus());
      Server server = new Server(config, nodeId, vertx, registry);
      log.info("{} - starting (data dir {}, store {}{})", nodeId, config.node().dataDir(), config.store().backend(),
          config.cluster().enabled() ? ", clustered" : "");
      return server.deploy()
          .map(v -> {
            log.info("{} - started: tcp {}:{}, http {}:{} (websocket {})", nodeId, config.gateway().host(),
                server.tcpPort(), config.gateway().host(), server.httpPort(), ConnectionVerticle.WEBSOCKET_PATH);
            return server;
          })
          .recover(err -> server.stop().transform(ignored -> Future.failedFuture(err)));
    });
  }

  private Future<Void> deploy() {
    Clock clock = Clock.systemUTC();
    return openStores(clock)
        .compose(opened -> {
          stores = opened;
          RateLimiters limits = new RateLimiters(stores.rateLimits(), config.limits());
          Router router = new Router(vertx, nodeId, stores.sessions(), REMOTE_TIMEOUT);
          AccountsService accounts = new AccountsService(config.accounts(), stores.accounts(), stores.codes(),
              stores.messages(), stores.preKeys(), limits, new ConsoleVerificationSender(), router, clock,
              new SecureRandom());
          MessagesService messages = new MessagesService(config.messages(), stores.accounts(), stores.messages(),
              limits, router, clock);
          KeysService keys = new KeysService(vertx, stores.accounts(), stores.preKeys(), limits, router);
          ApiRoutes routes = new ApiRoutes(concat(CoreRoutes.of(accounts, messages), KeyRoutes.of(keys)));
          GatewayContext gateway = new GatewayContext(config.gateway(), routes, accounts,
              messages, stores.messages(), stores.sessions(), router, new GatewayMetrics(registry));
          return vertx.deployVerticle(new RouterVerticle(nodeId, config.messages(), stores.messages(), clock))
              .compose(id -> vertx.deployVerticle(new NotificationVerticle(new LogPushProvider(), registry)))
              .compose(id -> vertx.deployVerticle(() -> {
                ConnectionVerticle verticle = new ConnectionVerticle(gateway, config.metrics().enabled() ? registry : null);
                gateways.add(verticle);
                return verticle;
              }, new DeploymentOptions().setInstances(config.gateway().effectiveInstances())));
        })
        .mapEmpty();
  }

  /** The stores the configuration names: embedded (RocksDB + memory) or Cassandra + Redis. */
  private Future<Stores> openStores(Clock clock) {
    StoreConfig store = config.store();
    if (store.isEmbedded()) {
      return vertx.executeBlocking(() -> EmbeddedStores.open(vertx, Path.of(config.node().dataDir()), clock));
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
    return RedisStores.connect(vertx, redis).compose(shared -> CassandraStores.connect(vertx, cassandra, clock)
        .map(durable -> {
          Stores both = durable.toStores(shared.rateLimits(), shared.sessions());
          return new Stores(both.accounts(), both.codes(), both.messages(), both.preKeys(), both.rateLimits(),
              both.sessions(), () -> {
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
        .onComplete(ar -> log.info("{} - shutdown completed", nodeId));
  }

  /** Graceful shutdown's first step, bounded by {@link #DRAIN_TIMEOUT}: clients leave for other nodes. */
  private Future<Void> drain() {
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

  public String nodeId() {
    return nodeId;
  }

  public Vertx vertx() {
    return vertx;
  }

  public SealpostConfig config() {
    return config;
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
