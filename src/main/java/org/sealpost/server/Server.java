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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import org.sealpost.accounts.AccountsService;
import org.sealpost.accounts.ConsoleVerificationSender;
import org.sealpost.bus.Codecs;
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
import org.sealpost.media.MediaRoutes;
import org.sealpost.media.MediaService;
import org.sealpost.media.MediaSweeper;
import org.sealpost.media.MediaVerticle;
import org.sealpost.push.LogPushProvider;
import org.sealpost.push.NotificationVerticle;
import org.sealpost.routing.MessagesService;
import org.sealpost.routing.Router;
import org.sealpost.routing.RouterVerticle;
import org.sealpost.store.Stores;
import org.sealpost.store.cassandra.CassandraStoreOptions;
import org.sealpost.store.cassandra.CassandraStores;
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

  private final SealpostConfig config;
  private final String nodeId;
  private final Vertx vertx;
  private final PrometheusMeterRegistry registry;
  private final List<ConnectionVerticle> gateways = new CopyOnWriteArrayList<>();
  private final List<MediaVerticle> mediaListeners = new CopyOnWriteArrayList<>();
  private Stores stores;

  private Server(SealpostConfig config, String nodeId, Vertx vertx, PrometheusMeterRegistry registry) {
    this.config = config;
    this.nodeId = nodeId;
    this.vertx = vertx;
    this.registry = registry;
  }

  /** Starts a node; the future completes once every listener is bound. */
  public static Future<Server> start(SealpostConfig config) {
    String nodeId = config.node().id().isEmpty() ? randomNodeId() : config.node().id();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
    Codecs.register(vertx.eventBus());
    Server server = new Server(config, nodeId, vertx, registry);
    log.info("{} - starting (data dir {}, store {})", nodeId, config.node().dataDir(), config.store().backend());
    return server.deploy()
        .map(v -> {
          log.info("{} - started: tcp {}:{}, http {}:{} (websocket {}), media {}:{}", nodeId, config.gateway().host(),
              server.tcpPort(), config.gateway().host(), server.httpPort(), ConnectionVerticle.WEBSOCKET_PATH,
              config.media().host(), server.mediaPort());
          return server;
        })
        .recover(err -> server.stop().transform(ignored -> Future.failedFuture(err)));
  }

  private Future<Void> deploy() {
    Clock clock = Clock.systemUTC();
    Path mediaDir = config.media().directory(config.node());
    return openStores(clock)
        .compose(opened -> {
          stores = opened;
          return vertx.executeBlocking(() -> LocalBlobStore.open(vertx, mediaDir, clock));
        })
        .compose(blobs -> {
          RateLimiters limits = new RateLimiters(stores.rateLimits(), config.limits());
          Router router = new Router(vertx, nodeId, stores.sessions(), REMOTE_TIMEOUT);
          AccountsService accounts = new AccountsService(config.accounts(), stores.accounts(), stores.codes(),
              stores.messages(), stores.preKeys(), limits, new ConsoleVerificationSender(), router, clock,
              new SecureRandom());
          MessagesService messages = new MessagesService(config.messages(), stores.accounts(), stores.messages(),
              limits, router, clock);
          KeysService keys = new KeysService(vertx, stores.accounts(), stores.preKeys(), limits, router);
          MediaService media = new MediaService(config.media(), blobs, accounts, limits, clock, new SecureRandom());
          ApiRoutes routes = new ApiRoutes(concat(CoreRoutes.of(accounts, messages), KeyRoutes.of(keys),
              MediaRoutes.of(media, this::mediaPort)));
          GatewayContext gateway = new GatewayContext(config.gateway(), routes, accounts,
              messages, stores.messages(), stores.sessions(), router, new GatewayMetrics(registry));
          return vertx.deployVerticle(new RouterVerticle(nodeId, config.messages(), stores.messages(), clock))
              .compose(id -> vertx.deployVerticle(new NotificationVerticle(new LogPushProvider(), registry)))
              .compose(id -> vertx.deployVerticle(() -> {
                MediaVerticle verticle = new MediaVerticle(media);
                mediaListeners.add(verticle);
                return verticle;
              }, new DeploymentOptions().setInstances(config.media().effectiveInstances())))
              .compose(id -> vertx.deployVerticle(new MediaSweeper(media)))
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
   * Stops the verticles (listeners first go with them), closes the stores while Vert.x still
   * runs (their clients need it), then closes Vert.x.
   */
  public Future<Void> stop() {
    log.info("{} - shutdown initiated", nodeId);
    List<Future<Void>> undeploying = new ArrayList<>();
    for (String id : vertx.deploymentIDs()) {
      undeploying.add(vertx.undeploy(id));
    }
    return Future.join(undeploying)
        .transform(v -> stores == null ? Future.<Void>succeededFuture() : stores.close(vertx))
        .onFailure(err -> log.warn("{} - closing the stores failed", nodeId, err))
        .transform(v -> vertx.close())
        .onComplete(ar -> log.info("{} - shutdown completed", nodeId));
  }

  public int tcpPort() {
    return gateways.get(0).tcpPort();
  }

  public int httpPort() {
    return gateways.get(0).httpPort();
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
