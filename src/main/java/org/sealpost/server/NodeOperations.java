package org.sealpost.server;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.sealpost.api.DeviceKey;
import org.sealpost.config.SealpostConfig;
import org.sealpost.ops.Readiness;
import org.sealpost.store.Stores;
import org.sealpost.store.embedded.EmbeddedStores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a node's operator endpoints ask of it: whether it is ready, and an online backup. */
final class NodeOperations {
  private static final Logger log = LoggerFactory.getLogger(NodeOperations.class);
  private static final DateTimeFormatter BACKUP_NAME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

  private final Vertx vertx;
  private final String nodeId;
  private final SealpostConfig config;
  private final Stores stores;
  /** The Hazelcast member, or null when not clustered. */
  private final HazelcastClusterManager cluster;

  NodeOperations(Vertx vertx, String nodeId, SealpostConfig config, Stores stores, HazelcastClusterManager cluster) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.config = config;
    this.stores = stores;
    this.cluster = cluster;
  }

  /**
   * Ready: not stopping, each store answers a cheap read (accounts: the durable store; sessions:
   * Redis when configured), and, when clustered, this member is in a running cluster.
   */
  Readiness readiness(BooleanSupplier stopping) {
    DeviceKey probe = new DeviceKey("+10000000000", 1);
    List<Readiness.Check> checks = new ArrayList<>();
    checks.add(new Readiness.Check("store", () -> stores.accounts().get(probe.number())));
    NodeStores.embedded(stores).ifPresent(db -> checks.add(new Readiness.Check("store writes",
        () -> db.writesRefused() == null ? Future.succeededFuture() : Future.failedFuture("refused: " + db.writesRefused()))));
    checks.add(new Readiness.Check("sessions", () -> stores.sessions().lookup(probe)));
    if (cluster != null) {
      checks.add(new Readiness.Check("cluster", () -> members(cluster) > 0
          ? Future.succeededFuture() : Future.failedFuture("not a member of a running cluster")));
    }
    return new Readiness(vertx, checks, stopping);
  }

  /** Members of the cluster of {@code cluster} (1 when null: not clustered; 0 when its member is not running). */
  static double members(HazelcastClusterManager cluster) {
    if (cluster == null) {
      return 1;
    }
    try {
      return cluster.isActive() ? cluster.getNodes().size() : 0;
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /**
   * POST /admin/backup: a RocksDB checkpoint of the embedded store in
   * {@code node.dataDir/backups/<UTC time>/rocksdb}, so that directory works as a node.dataDir.
   */
  Future<String> backup() {
    return NodeStores.embedded(stores).map(db -> {
      Path dir = Path.of(config.node().dataDir(), "backups", BACKUP_NAME.format(Instant.now()));
      return vertx.executeBlocking(() -> Files.createDirectories(dir))
          .compose(created -> db.checkpoint(dir.resolve(EmbeddedStores.DATABASE_DIRECTORY)))
          .map(done -> {
            log.info("{} - backup of the embedded store written to {}", nodeId, dir);
            return dir.toString();
          });
    }).orElseGet(() -> Future.failedFuture(
        "online backup covers the embedded store; back up Cassandra with nodetool snapshot"));
  }
}
