package org.sealpost.testing;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.sealpost.store.cassandra.CassandraStoreOptions;
import org.sealpost.store.cassandra.CassandraStores;
import org.sealpost.store.redis.RedisStores;

/**
 * The Cassandra that {@code @Tag("external")} tests run against: {@code SEALPOST_TEST_CASSANDRA}
 * ({@code host:port}; system property, then environment), else {@code 127.0.0.1:9042}, the node
 * that {@code scripts/cassandra-start.sh} starts. Tests work in keyspaces of their own ({@link
 * #uniqueKeyspace}), so runs on a shared node never see each other's rows.
 */
public final class CassandraSupport {
  public static final String ADDRESS_VARIABLE = "SEALPOST_TEST_CASSANDRA";
  private static final long CONNECT_TIMEOUT_SECONDS = 90;

  private CassandraSupport() {}

  public static String contactPoint() {
    String property = System.getProperty(ADDRESS_VARIABLE);
    if (property != null && !property.isBlank()) {
      return property;
    }
    String env = System.getenv(ADDRESS_VARIABLE);
    return env != null && !env.isBlank() ? env : CassandraStoreOptions.DEFAULT_CONTACT_POINT;
  }

  /** A keyspace name no other test run uses: {@code it_<purpose>_<random>}. */
  public static String uniqueKeyspace(String purpose) {
    return "it_" + purpose + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  /** The default options at the test node, in {@code keyspace}, with the repository's schema. */
  public static CassandraStoreOptions options(String keyspace) {
    return CassandraStoreOptions.of(contactPoint())
        .withKeyspace(keyspace)
        .withSchemaFile(Path.of("conf", "cassandra", "schema.cql").toAbsolutePath());
  }

  /**
   * Connected stores, with queue turns from {@code redis}; a node that does not answer fails the
   * test with how to start one.
   */
  public static CassandraStores connect(Vertx vertx, CassandraStoreOptions options, RedisStores redis) {
    try {
      return CassandraStores.connect(vertx, options, redis.queueCoordination()).toCompletionStage().toCompletableFuture()
          .get(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("no Cassandra at " + String.join(",", options.contactPoints()) + " ("
          + e.getCause().getMessage() + "); start one with scripts/cassandra-start.sh, or point "
          + ADDRESS_VARIABLE + " at one", e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("Cassandra did not connect within " + CONNECT_TIMEOUT_SECONDS + " s", e);
    }
  }
}
