package org.sealpost.store.cassandra;

import static org.sealpost.store.Awaits.await;

import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.sealpost.store.QueueCoordination;
import org.sealpost.store.redis.RedisStores;
import org.sealpost.testing.CassandraSupport;
import org.sealpost.testing.RedisSupport;

/**
 * One test class's keyspace on the test node: created by the first {@link #open}, its tables
 * emptied for each test by {@link #openEmpty}, dropped after the class. A random name keeps
 * concurrent runs on one node apart. Queue turns come from the test Redis, under a key prefix of
 * their own per {@link #openEmpty}, so a test's positions start afresh with its tables. Stores
 * opened during a test are closed after it. Register it as a static {@code @RegisterExtension}
 * field.
 */
final class CassandraKeyspace implements AfterEachCallback, AfterAllCallback {
  private final String keyspace;
  private final List<String> tables;
  private final List<CassandraStores> opened = new ArrayList<>();
  private final List<RedisStores> redis = new ArrayList<>();
  private String redisPrefix = RedisSupport.uniquePrefix();

  /** @param tables the tables the class's tests write, truncated before each test */
  CassandraKeyspace(String purpose, String... tables) {
    this.keyspace = CassandraSupport.uniqueKeyspace(purpose);
    this.tables = List.of(tables);
  }

  CassandraStoreOptions options() {
    return CassandraSupport.options(keyspace);
  }

  /** Stores on this keyspace, as they are: a second node's view of the same data. */
  CassandraStores open(Vertx vertx) {
    RedisStores turns = RedisSupport.connect(vertx, RedisSupport.options(redisPrefix));
    redis.add(turns);
    CassandraStores stores = CassandraSupport.connect(vertx, options(), turns);
    opened.add(stores);
    return stores;
  }

  /** Stores on this keyspace whose queue turns start with nothing known (another Redis prefix). */
  CassandraStores openForgettingTurns(Vertx vertx) {
    redisPrefix = RedisSupport.uniquePrefix();
    return open(vertx);
  }

  /** The queue coordination (turns, pending sends) of the stores opened last. */
  QueueCoordination coordination() {
    return lastRedis().queueCoordination();
  }

  /** The Redis stores of the stores opened last: closing them is what a node's shutdown does. */
  RedisStores lastRedis() {
    return redis.get(redis.size() - 1);
  }

  /** Stores on this keyspace with the class's tables emptied. */
  CassandraStores openEmpty(Vertx vertx) {
    redisPrefix = RedisSupport.uniquePrefix();
    CassandraStores stores = open(vertx);
    for (String table : tables) {
      execute(stores.cql(), "TRUNCATE " + keyspace + "." + table);
    }
    return stores;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    opened.forEach(stores -> await(stores.close()));
    opened.clear();
    redis.forEach(turns -> await(turns.close()));
    redis.clear();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Vertx vertx = Vertx.vertx();
    Cql cql = Cql.create(vertx, options());
    try {
      execute(cql, "DROP KEYSPACE IF EXISTS " + keyspace);
    } finally {
      await(cql.close());
      await(vertx.close());
    }
  }

  private static void execute(Cql cql, String statement) {
    await(cql.execute(SimpleStatement.newInstance(statement).setTimeout(Cql.SCHEMA_TIMEOUT)));
  }
}
