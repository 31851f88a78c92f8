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
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.sealpost.accounts.AccountsService;
import org.sealpost.accounts.ConsoleVerificationSender;
import org.sealpost.bus.Codecs;
import org.sealpost.config.SealpostConfig;
import org.sealpost.gateway.ApiRoutes;
import org.sealpost.gateway.ConnectionVerticle;
import org.sealpost.gateway.CoreRoutes;
import org.sealpost.gateway.GatewayContext;
import org.sealpost.gateway.GatewayMetrics;
import org.sealpost.limits.RateLimiters;
import org.sealpost.push.LogPushProvider;
import org.sealpost.push.NotificationVerticle;
import org.sealpost.routing.MessagesService;
import org.sealpost.routing.Router;
import org.sealpost.routing.RouterVerticle;
import org.sealpost.store.Stores;
import org.sealpost.store.embedded.EmbeddedStores;
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
          log.info("{} - started: tcp {}:{}, http {}:{} (websocket {})", nodeId, config.gateway().host(), server.tcpPort(),
              config.gateway().host(), server.httpPort(), ConnectionVerticle.WEBSOCKET_PATH);
          return server;
        })
        .recover(err -> server.stop().transform(ignored -> Future.failedFuture(err)));
  }

  private Future<Void> deploy() {
    Clock clock = Clock.systemUTC();
    return vertx.executeBlocking(() -> EmbeddedStores.open(vertx, Path.of(config.node().dataDir()), clock))
        .compose(opened -> {
          stores = opened;
          RateLimiters limits = new RateLimiters(stores.rateLimits(), config.limits());
          Router router = new Router(vertx, nodeId, stores.sessions(), REMOTE_TIMEOUT);
          AccountsService accounts = new AccountsService(config.accounts(), stores.accounts(), stores.codes(),
              stores.messages(), limits, new ConsoleVerificationSender(), router, clock, new SecureRandom());
          MessagesService messages = new MessagesService(config.messages(), stores.accounts(), stores.messages(),
              limits, router, clock);
          GatewayContext gateway = new GatewayContext(config.gateway(), new ApiRoutes(CoreRoutes.of(accounts, messages)), accounts,
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

  /** Stops listeners and verticles, then closes the stores and Vert.x. */
  public Future<Void> stop() {
    log.info("{} - shutdown initiated", nodeId);
    return vertx.close()
        .compose(v -> stores == null ? Future.succeededFuture() : closeStores())
        .onComplete(ar -> log.info("{} - shutdown completed", nodeId));
  }

  private Future<Void> closeStores() {
    try {
      stores.resources().close();
      return Future.succeededFuture();
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
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

  private static String randomNodeId() {
    byte[] bytes = new byte[4];
    new SecureRandom().nextBytes(bytes);
    return "node-" + HexFormat.of().formatHex(bytes);
  }
}
