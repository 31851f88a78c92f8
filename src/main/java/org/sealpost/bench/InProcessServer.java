package org.sealpost.bench;

import io.vertx.core.Future;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.sealpost.config.ConfigLoader;
import org.sealpost.config.SealpostConfig;
import org.sealpost.limits.RateLimiters;
import org.sealpost.server.Server;

/**
 * The node a bench starts in this JVM when it is given no {@code --server}: on a temporary data
 * directory, giving the bench's prefix its fixed code, with no rate limits and no per-address caps
 * (every client is on 127.0.0.1). Closing stops it and deletes the directory.
 */
final class InProcessServer implements AutoCloseable {
  private final Server server;
  private final TempDirectory dataDir;

  private InProcessServer(Server server, TempDirectory dataDir) {
    this.server = server;
    this.dataDir = dataDir;
  }

  static Future<InProcessServer> start(String prefix, String code) {
    TempDirectory dataDir;
    try {
      dataDir = TempDirectory.create("sealpost-bench");
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    return Server.start(config(dataDir, prefix, code)).map(server -> new InProcessServer(server, dataDir));
  }

  NodeAddress address() {
    return new NodeAddress(URI.create("http://127.0.0.1:" + server.httpPort()), server.tcpPort());
  }

  TempDirectory dataDir() {
    return dataDir;
  }

  /** Stops the node, then deletes its data; blocks (the bench's main thread ends with it). */
  @Override
  public void close() throws Exception {
    server.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
    dataDir.close();
  }

  private static SealpostConfig config(TempDirectory dataDir, String prefix, String code) {
    SealpostConfig base = new ConfigLoader().load(null, System.getenv());
    return base.withNode(base.node().withDataDir(dataDir.toString()))
        .withGateway(base.gateway().withPorts(0, 0).withConnectionLimits(base.gateway().maxOutboundBytes(),
            base.gateway().maxPendingRequests(), 0).withMaxHttpConnectionsPerIp(0)) // every client is on 127.0.0.1
        .withMedia(base.media().withPort(0))
        .withAccounts(base.accounts().withTestNumbers(Map.of(prefix + "*", code)))
        .withLimits(RateLimiters.unlimited());
  }
}
