package org.sealpost.store.cassandra;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How to reach Cassandra and how the Cassandra stores behave. Checked here, once: an invalid value
 * throws {@link IllegalArgumentException} naming the field.
 *
 * <p>Consistency: the defaults ({@code LOCAL_ONE}, {@code LOCAL_SERIAL}) suit one local node. In
 * production with replication factor 3 use {@code LOCAL_QUORUM}: then every write, which is a
 * lightweight transaction committed at that level, is on a quorum of replicas before its future
 * completes, and every plain read sees it.
 *
 * @param contactPoints {@code host:port} of one or more nodes to discover the cluster from
 * @param localDatacenter the datacenter whose nodes the driver talks to ({@code datacenter1} for
 *     the development node)
 * @param keyspace where the tables live; created with {@code replication} when missing
 * @param replication the keyspace's CQL replication map, e.g. {@code {'class':
 *     'NetworkTopologyStrategy', 'dc1': 3}}; used only when the keyspace is created
 * @param consistency level of reads and of the commit of every write: {@code LOCAL_ONE} for one
 *     node, {@code LOCAL_QUORUM} in production
 * @param serialConsistency level of the Paxos phase of lightweight transactions and of serial
 *     reads: {@code LOCAL_SERIAL}, or {@code SERIAL} when several datacenters write one account
 * @param requestTimeout deadline of each request; past it the call fails as unavailable
 * @param queueTtl envelopes are written with this TTL, so an undelivered one goes even when no
 *     sweep runs (set it to messages.queueTtl; zero keeps them until swept)
 * @param dedupeTtl dedupe records are written with this TTL (set it to messages.dedupeTtl; zero
 *     keeps them until swept)
 * @param schemaFile the CQL applied at start ({@code conf/cassandra/schema.cql})
 */
public record CassandraStoreOptions(
    List<String> contactPoints,
    String localDatacenter,
    String keyspace,
    String replication,
    String consistency,
    String serialConsistency,
    Duration requestTimeout,
    Duration queueTtl,
    Duration dedupeTtl,
    Path schemaFile) {
  public static final String DEFAULT_CONTACT_POINT = "127.0.0.1:9042";
  public static final String DEFAULT_LOCAL_DATACENTER = "datacenter1";
  public static final String DEFAULT_KEYSPACE = "sealpost";
  public static final String DEFAULT_REPLICATION = "{'class': 'SimpleStrategy', 'replication_factor': 1}";
  public static final String DEFAULT_CONSISTENCY = "LOCAL_ONE";
  public static final String DEFAULT_SERIAL_CONSISTENCY = "LOCAL_SERIAL";
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_QUEUE_TTL = Duration.ofDays(30);
  public static final Duration DEFAULT_DEDUPE_TTL = Duration.ofDays(7);
  public static final Path DEFAULT_SCHEMA_FILE = Path.of("conf", "cassandra", "schema.cql");

  /** Cassandra refuses longer TTLs (20 years). */
  static final Duration MAX_TTL = Duration.ofSeconds(630_720_000);

  private static final Pattern KEYSPACE = Pattern.compile("[a-z][a-z0-9_]{0,47}");
  private static final Pattern HOST_PORT = Pattern.compile("[^\\s:]+:\\d{1,5}");

  public CassandraStoreOptions {
    check(contactPoints != null && !contactPoints.isEmpty(), "contactPoints must not be empty");
    contactPoints = List.copyOf(contactPoints);
    for (String point : contactPoints) {
      check(HOST_PORT.matcher(point).matches() && port(point) <= 65_535,
          "contactPoints entries must be host:port, got '" + point + "'");
    }
    check(localDatacenter != null && !localDatacenter.isBlank(), "localDatacenter must not be empty");
    check(keyspace != null && KEYSPACE.matcher(keyspace).matches(),
        "keyspace must match " + KEYSPACE.pattern());
    // It is pasted into CREATE KEYSPACE, so it must be one map literal and nothing else.
    check(replication != null && replication.strip().startsWith("{") && replication.strip().endsWith("}")
            && replication.contains("class") && !replication.contains(";"),
        "replication must be a CQL map like " + DEFAULT_REPLICATION);
    check(isLevel(consistency) && !consistency.endsWith("SERIAL"),
        "consistency must be a consistency level such as LOCAL_ONE or LOCAL_QUORUM");
    check("SERIAL".equals(serialConsistency) || "LOCAL_SERIAL".equals(serialConsistency),
        "serialConsistency must be SERIAL or LOCAL_SERIAL");
    check(requestTimeout != null && requestTimeout.toMillis() >= 1, "requestTimeout must be >= 1ms");
    check(queueTtl != null && !queueTtl.isNegative() && queueTtl.compareTo(MAX_TTL) <= 0,
        "queueTtl must be between 0 and 20 years");
    check(dedupeTtl != null && !dedupeTtl.isNegative() && dedupeTtl.compareTo(MAX_TTL) <= 0,
        "dedupeTtl must be between 0 and 20 years");
    check(schemaFile != null, "schemaFile must not be null");
  }

  /** The defaults, with Cassandra at {@code contactPoint} ({@code host:port}). */
  public static CassandraStoreOptions of(String contactPoint) {
    return new CassandraStoreOptions(List.of(contactPoint), DEFAULT_LOCAL_DATACENTER, DEFAULT_KEYSPACE,
        DEFAULT_REPLICATION, DEFAULT_CONSISTENCY, DEFAULT_SERIAL_CONSISTENCY, DEFAULT_REQUEST_TIMEOUT,
        DEFAULT_QUEUE_TTL, DEFAULT_DEDUPE_TTL, DEFAULT_SCHEMA_FILE);
  }

  public CassandraStoreOptions withContactPoints(List<String> value) {
    return new CassandraStoreOptions(value, localDatacenter, keyspace, replication, consistency,
        serialConsistency, requestTimeout, queueTtl, dedupeTtl, schemaFile);
  }

  public CassandraStoreOptions withLocalDatacenter(String value) {
    return new CassandraStoreOptions(contactPoints, value, keyspace, replication, consistency,
        serialConsistency, requestTimeout, queueTtl, dedupeTtl, schemaFile);
  }

  public CassandraStoreOptions withKeyspace(String value) {
    return new CassandraStoreOptions(contactPoints, localDatacenter, value, replication, consistency,
        serialConsistency, requestTimeout, queueTtl, dedupeTtl, schemaFile);
  }

  public CassandraStoreOptions withReplication(String value) {
    return new CassandraStoreOptions(contactPoints, localDatacenter, keyspace, value, consistency,
        serialConsistency, requestTimeout, queueTtl, dedupeTtl, schemaFile);
  }

  /** Both levels at once, e.g. {@code ("LOCAL_QUORUM", "LOCAL_SERIAL")} for production. */
  public CassandraStoreOptions withConsistency(String value, String serialValue) {
    return new CassandraStoreOptions(contactPoints, localDatacenter, keyspace, replication, value,
        serialValue, requestTimeout, queueTtl, dedupeTtl, schemaFile);
  }

  public CassandraStoreOptions withRequestTimeout(Duration value) {
    return new CassandraStoreOptions(contactPoints, localDatacenter, keyspace, replication, consistency,
        serialConsistency, value, queueTtl, dedupeTtl, schemaFile);
  }

  /** The message retention, normally messages.queueTtl and messages.dedupeTtl. */
  public CassandraStoreOptions withTtls(Duration queue, Duration dedupe) {
    return new CassandraStoreOptions(contactPoints, localDatacenter, keyspace, replication, consistency,
        serialConsistency, requestTimeout, queue, dedupe, schemaFile);
  }

  public CassandraStoreOptions withSchemaFile(Path value) {
    return new CassandraStoreOptions(contactPoints, localDatacenter, keyspace, replication, consistency,
        serialConsistency, requestTimeout, queueTtl, dedupeTtl, value);
  }

  DefaultConsistencyLevel consistencyLevel() {
    return DefaultConsistencyLevel.valueOf(consistency);
  }

  DefaultConsistencyLevel serialConsistencyLevel() {
    return DefaultConsistencyLevel.valueOf(serialConsistency);
  }

  static String host(String contactPoint) {
    return contactPoint.substring(0, contactPoint.lastIndexOf(':'));
  }

  static int port(String contactPoint) {
    return Integer.parseInt(contactPoint.substring(contactPoint.lastIndexOf(':') + 1));
  }

  private static boolean isLevel(String value) {
    if (value == null) {
      return false;
    }
    try {
      DefaultConsistencyLevel.valueOf(value);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
