package org.sealpost.server;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.sealpost.api.ApiRoutes;
import org.sealpost.bus.Codecs;
import org.sealpost.config.ClusterConfig;
import org.sealpost.config.SealpostConfig;
import org.sealpost.gateway.ConnectionVerticle;
import org.sealpost.gateway.GatewayContext;
import org.sealpost.gateway.GatewayMetrics;
import org.sealpost.gateway.UnackedBytes;
import org.sealpost.lifecycle.AccountSweeper;
import org.sealpost.limits.ConnectionsPerAddress;
import org.sealpost.limits.NodeConnections;
import org.sealpost.media.MediaSweeper;
import org.sealpost.media.MediaVerticle;
import org.sealpost.metrics.BlockedThreadMeter;
import org.sealpost.metrics.EventLoopLag;
import org.sealpost.metrics.MetricsVerticle;
import org.sealpost.metrics.ProcessMemoryMetrics;
import org.sealpost.ops.OpsEndpoints;
import org.sealpost.push.NotificationVerticle;
import org.sealpost.routing.RouterVerticle;
import org.sealpost.store.Stores;
import org.sealpost.transparency.KeyLog;
import org.sealpost.transparency.StoredKeyLog;
import org.sealpost.store.cached.Invalidations;
import org.sealpost.store.local.LocalBlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Boots one node and stops it: Vert.x with metrics (clustered when configured), the stores the
 * configuration names ({@link NodeStores}), the services and their routes ({@link Features}), and
 * the verticles. With those two, the one place that knows which implementation backs which interface.
 */
public final class Server {
  private static final Logger log = LoggerFactory.getLogger(Server.class);
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

  /** What the services see of the key log: the log itself, unless a test plays a dishonest server. */
  private final UnaryOperator<KeyLog> keyLogView;

  private Server(SealpostConfig config, String nodeId, Vertx vertx, PrometheusMeterRegistry registry,
      UnaryOperator<KeyLog> keyLogView) {
    this.keyLogView = keyLogView;
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
    return start(config, UnaryOperator.identity());
  }

  /**
   * Like {@link #start(SealpostConfig)}, with the key log the services use replaced by {@code
   * keyLogView} of it: for tests that play a server lying about keys, which clients must catch.
   * There is no configuration for it: a production node always serves its log as it is.
   */
  public static Future<Server> start(SealpostConfig config, UnaryOperator<KeyLog> keyLogView) {
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
      Server server = new Server(config, nodeId, vertx, registry, keyLogView);
      server.clusterManager = manager[0];
      Gauge.builder("sealpost.cluster.members", () -> NodeOperations.members(server.clusterManager)).register(registry);
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
        .compose(v -> NodeStores.open(vertx, config, clock, invalidations, registry))
        .compose(opened -> {
          stores = opened;
          return vertx.executeBlocking(() -> LocalBlobStore.open(vertx, mediaDir, clock));
        })
        .compose(blobs -> StoredKeyLog.open(vertx, stores.keyLog(), clock).compose(keyLog -> {
          Features features = Features.wire(vertx, nodeId, config, stores, keyLogView.apply(keyLog), blobs, registry,
              clock, this::mediaPort);
          routes = features.routes();
          NodeOperations operations = new NodeOperations(vertx, nodeId, config, stores, clusterManager);
          OpsEndpoints ops = new OpsEndpoints(nodeId, operations.readiness(() -> stopping), registry,
              config.metrics().adminToken()).withBackup(operations::backup);
          NodeConnections connections = meteredConnections();
          GatewayMetrics gatewayMetrics = new GatewayMetrics(registry);
          GatewayContext gateway = new GatewayContext(config.gateway(), routes, features.accounts(),
              features.messages(), stores.messages(), stores.sessions(), features.router(), gatewayMetrics,
              new ConnectionsPerAddress(config.gateway().maxUnauthenticatedPerIp()),
              new ConnectionsPerAddress(config.gateway().maxHttpConnectionsPerIp()), connections,
              gatewayMetrics.watch(new UnackedBytes(config.gateway().maxNodeUnackedBytes())), features.presence());
          ConnectionsPerAddress mediaConnections = new ConnectionsPerAddress(config.media().maxConnectionsPerIp());
          return vertx.deployVerticle(new RouterVerticle(nodeId, config.messages(), stores.messages(), clock,
                  features.router().local()))
              .compose(id -> vertx.deployVerticle(new NotificationVerticle(config.push(), stores.pushTokens(), stores.sessions(),
                  registry, clock)))
              .compose(id -> vertx.deployVerticle(() -> {
                MediaVerticle verticle = new MediaVerticle(features.media(), mediaConnections, connections,
                    config.gateway().authTimeout().toMillis());
                mediaListeners.add(verticle);
                return verticle;
              }, new DeploymentOptions().setInstances(config.media().effectiveInstances())))
              .compose(id -> vertx.deployVerticle(new MediaSweeper(features.media())))
              .compose(id -> vertx.deployVerticle(new AccountSweeper(features.deletion(), stores.codes(), clock)))
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
        }))
        .mapEmpty();
  }

  /** The node's cap on client connections (gateway and media), with its meters. */
  private NodeConnections meteredConnections() {
    NodeConnections connections = NodeConnections.forLimit(config.node().maxConnections());
    Gauge.builder("sealpost.connections.open", connections, NodeConnections::open)
        .description("Client connections of the node (gateway and media)").register(registry);
    Gauge.builder("sealpost.connections.max", connections, NodeConnections::max)
        .description("node.maxConnections in effect (0 = no cap)").register(registry);
    FunctionCounter.builder("sealpost.connections.refused", connections, NodeConnections::refused)
        .description("Connections closed as they opened: the node held node.maxConnections").register(registry);
    return connections;
  }

  private static void closeQuietly(AutoCloseable resource) {
    try {
      resource.close();
    } catch (Exception e) {
      log.debug("closing {} failed", resource, e);
    }
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

  private static String randomNodeId() {
    byte[] bytes = new byte[4];
    new SecureRandom().nextBytes(bytes);
    return "node-" + HexFormat.of().formatHex(bytes);
  }
}
