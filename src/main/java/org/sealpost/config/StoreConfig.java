package org.sealpost.config;

import java.time.Duration;

/**
 * Which stores a node runs on.
 *
 * @param backend {@code embedded}: RocksDB under node.dataDir plus in-memory rate limits and
 *     session directory; no services needed, one node only. {@code cassandra}: accounts, keys and
 *     queues in Cassandra, rate limits and the session directory in Redis; what a cluster shares
 * @param cassandra used when backend is {@code cassandra}
 * @param redis used when backend is {@code cassandra}
 * @param cache this node's copies of what the message path reads (accounts, blocks, privacy)
 */
public record StoreConfig(String backend, CassandraConfig cassandra, RedisConfig redis, CacheConfig cache) {
  public StoreConfig(String backend, CassandraConfig cassandra, RedisConfig redis) {
    this(backend, cassandra, redis, CacheConfig.defaults());
  }

  public StoreConfig {
    SealpostConfig.check("embedded".equals(backend) || "cassandra".equals(backend),
        "store.backend must be one of [embedded, cassandra]");
    cassandra = cassandra == null ? CassandraConfig.defaults() : cassandra;
    redis = redis == null ? RedisConfig.defaults() : redis;
    cache = cache == null ? CacheConfig.defaults() : cache;
  }

  public static StoreConfig defaults() {
    return new StoreConfig("embedded", CassandraConfig.defaults(), RedisConfig.defaults(), CacheConfig.defaults());
  }

  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isEmbedded() {
    return "embedded".equals(backend);
  }

  /**
   * @param contactPoints comma-separated host:port list
   * @param localDatacenter the datacenter this node talks to first
   * @param keyspace created with {@code replication} if missing; the schema is applied at start-up
   * @param replication CQL replication map for a new keyspace
   * @param consistency reads and writes; LOCAL_QUORUM for production with replication >= 3
   * @param serialConsistency lightweight transactions (LOCAL_SERIAL or SERIAL)
   * @param requestTimeout per request
   */
  public record CassandraConfig(String contactPoints, String localDatacenter, String keyspace, String replication,
      String consistency, String serialConsistency, Duration requestTimeout) {
    public CassandraConfig {
      SealpostConfig.check(contactPoints != null && !contactPoints.isBlank(), "store.cassandra.contactPoints must not be empty");
      SealpostConfig.check(keyspace != null && keyspace.matches("[a-z][a-z0-9_]{0,47}"),
          "store.cassandra.keyspace must be a lower-case CQL identifier");
      SealpostConfig.check(requestTimeout != null && requestTimeout.toMillis() > 0, "store.cassandra.requestTimeout must be > 0");
    }

    public static CassandraConfig defaults() {
      return new CassandraConfig("127.0.0.1:9042", "datacenter1", "sealpost",
          "{'class': 'SimpleStrategy', 'replication_factor': 1}", "LOCAL_ONE", "LOCAL_SERIAL", Duration.ofSeconds(10));
    }
  }

  /**
   * @param uri redis://[user:password@]host:port[/db]
   * @param keyPrefix every key Sealpost writes starts with it, so deployments can share a Redis
   * @param sessionTtl session directory entries of a node that stopped refreshing expire after this
   */
  public record RedisConfig(String uri, String keyPrefix, Duration sessionTtl) {
    public RedisConfig {
      SealpostConfig.check(keyPrefix != null, "store.redis.keyPrefix must be set (may be empty)");
      SealpostConfig.check(uri != null && uri.startsWith("redis"), "store.redis.uri must be a redis:// URI");
      SealpostConfig.check(sessionTtl != null && sessionTtl.toMillis() >= 100, "store.redis.sessionTtl must be >= 100ms");
    }

    public static RedisConfig defaults() {
      return new RedisConfig("redis://127.0.0.1:6380", "sealpost:", Duration.ofSeconds(30));
    }
  }

  /**
   * @param maxEntries copies kept per cache (accounts, block lists, privacy settings); 0 = no
   *     copies, every read goes to the store
   * @param ttl the longest a copy is used; writes drop copies on every node at once, this bounds
   *     staleness should such a drop be lost
   */
  public record CacheConfig(int maxEntries, Duration ttl) {
    public CacheConfig {
      SealpostConfig.check(maxEntries >= 0, "store.cache.maxEntries must be >= 0");
      SealpostConfig.check(ttl != null && ttl.toMillis() > 0, "store.cache.ttl must be > 0");
    }

    public static CacheConfig defaults() {
      return new CacheConfig(100_000, Duration.ofSeconds(60));
    }
  }
}
