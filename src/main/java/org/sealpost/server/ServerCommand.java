package org.sealpost.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.sealpost.config.ConfigLoader;
import org.sealpost.config.SealpostConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sealpost server}: runs one node until SIGTERM/SIGINT. */
@Command(name = "server", mixinStandardHelpOptions = true,
    description = "Run a Sealpost node (embedded store by default: no other service needed).")
public final class ServerCommand implements java.util.concurrent.Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ServerCommand.class);
  static final Path DEFAULT_CONFIG = Path.of("conf", "sealpost.yaml");
  /** Joining a cluster and connecting to Cassandra on a busy machine can take a while. */
  private static final java.time.Duration START_TIMEOUT = java.time.Duration.ofMinutes(3);

  @Option(names = "--config", paramLabel = "FILE",
      description = "Configuration file (default: conf/sealpost.yaml when it exists, else built-in defaults).")
  Path configFile;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Overrides node.dataDir.")
  String dataDir;

  @Option(names = "--http-port", paramLabel = "N", description = "Overrides gateway.httpPort.")
  Integer httpPort;

  @Option(names = "--tcp-port", paramLabel = "N", description = "Overrides gateway.tcpPort.")
  Integer tcpPort;

  @Option(names = "--media-port", paramLabel = "N", description = "Overrides media.port.")
  Integer mediaPort;

  @Option(names = "--cluster", description = "Join the cluster of cluster.* (sets cluster.enabled; needs store.backend: cassandra).")
  boolean cluster;

  @Override
  public Integer call() throws Exception {
    SealpostConfig config;
    try {
      config = effectiveConfig();
    } catch (IllegalArgumentException e) {
      System.err.println("sealpost: " + e.getMessage());
      return 2;
    }
    Server server;
    try {
      server = Server.start(config).toCompletionStage().toCompletableFuture().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      // the cause's stack trace is in the node's own "start failed" line
      log.error("start-up failed: {}", e.getCause().getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.warn("shutdown did not complete cleanly: {}", e.toString());
      } finally {
        stopped.countDown();
      }
    }, "sealpost-shutdown"));
    stopped.await();
    return 0;
  }

  SealpostConfig effectiveConfig() {
    Path file = configFile != null ? configFile : (Files.exists(DEFAULT_CONFIG) ? DEFAULT_CONFIG : null);
    if (file != null && !Files.isReadable(file)) {
      throw new IllegalArgumentException("cannot read configuration file " + file);
    }
    ConfigLoader loader = new ConfigLoader();
    SealpostConfig config = loader.load(file, System.getenv());
    if (dataDir != null) {
      config = config.withNode(config.node().withDataDir(dataDir));
    }
    if (httpPort != null || tcpPort != null) {
      config = config.withGateway(config.gateway().withPorts(
          tcpPort != null ? tcpPort : config.gateway().tcpPort(),
          httpPort != null ? httpPort : config.gateway().httpPort()));
    }
    if (mediaPort != null) {
      config = config.withMedia(config.media().withPort(mediaPort));
    }
    if (cluster) {
      config = config.withCluster(config.cluster().withEnabled(true));
    }
    org.sealpost.ops.StartupChecks.check(config);
    org.sealpost.ops.LogFormat.apply(config.node().logFormat());
    log.info("configuration from {}:\n{}", file == null ? "built-in defaults" : file, loader.describe(config));
    return config;
  }
}
