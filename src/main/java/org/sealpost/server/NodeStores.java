package org.sealpost.server;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.sealpost.config.SealpostConfig;
import org.sealpost.config.StoreConfig;
import org.sealpost.metrics.TimedStores;
import org.sealpost.store.Stores;
import org.sealpost.store.cached.CachedStores;
import org.sealpost.store.cached.Invalidations;
import org.sealpost.store.cassandra.CassandraStoreOptions;
import org.sealpost.store.cassandra.CassandraStores;
import org.sealpost.store.embedded.ColumnFamily;
import org.sealpost.store.embedded.EmbeddedDatabase;
import org.sealpost.store.embedded.EmbeddedStores;
import org.sealpost.store.redis.RedisStoreOptions;
import org.sealpost.store.redis.RedisStores;

/** The stores a node's configuration names, opened, timed, and cached when configured. */
final class NodeStores {
  private NodeStores() {}

  /** Opens embedded (RocksDB + memory) or Cassandra + Redis stores, as the node's services see them. */
  static Future<Stores> open(Vertx vertx, SealpostConfig config, Clock clock, Invalidations invalidations,
      MeterRegistry registry) {
    return openBackends(vertx, config, clock).map(opened -> {
      Stores stores = TimedStores.wrap(opened, registry);
      StoreConfig.CacheConfig cache = config.store().cache();
      if (cache.maxEntries() > 0) {
        stores = CachedStores.wrap(stores, invalidations, cache.maxEntries(), cache.ttl());
      }
      embedded(opened).ifPresent(db -> meter(db, registry));
      return stores;
    });
  }

  /** The RocksDB database under the stores, when they are the embedded ones. */
  static Optional<EmbeddedDatabase> embedded(Stores stores) {
    return stores.resources() instanceof EmbeddedDatabase db ? Optional.of(db) : Optional.empty();
  }

  private static void meter(EmbeddedDatabase db, MeterRegistry registry) {
    // an estimate from RocksDB's metadata (memtables and SST properties): cheap enough for every scrape
    Gauge.builder("sealpost.queue.envelopes", db, d -> d.estimatedKeys(ColumnFamily.QUEUE))
        .description("Envelopes queued for all devices (embedded store, estimate)").register(registry);
    FunctionCounter.builder("sealpost.store.writes.refused", db, EmbeddedDatabase::refusedWrites)
        .description("Writes refused (503) for lack of disk space").register(registry);
    Gauge.builder("sealpost.store.writable", db, d -> d.writesRefused() == null ? 1 : 0)
        .description("1 while the embedded store takes writes, 0 while a full disk refuses them").register(registry);
  }

  private static Future<Stores> openBackends(Vertx vertx, SealpostConfig config, Clock clock) {
    StoreConfig store = config.store();
    if (store.isEmbedded()) {
      return vertx.executeBlocking(() -> EmbeddedStores.open(vertx, Path.of(config.node().dataDir()), clock,
          config.node().minFreeDiskBytes()));
    }
    StoreConfig.CassandraConfig c = store.cassandra();
    CassandraStoreOptions cassandra = CassandraStoreOptions.of(c.contactPoints().split(",")[0].trim())
        .withContactPoints(Arrays.stream(c.contactPoints().split(",")).map(String::trim).toList())
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
              both.sessions(), both.privacy(), both.presence(), both.groups(), both.pushTokens(), both.keyLog(), () -> {
                shared.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
                both.resources().close();
              });
        })
        .recover(err -> shared.close().transform(closed -> Future.failedFuture(err))));
  }
}
