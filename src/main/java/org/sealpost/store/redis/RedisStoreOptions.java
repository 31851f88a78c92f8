package org.sealpost.store.redis;

import java.time.Duration;

/**
 * How to reach Redis and how the Redis stores behave. Checked here, once: an invalid value throws
 * {@link IllegalArgumentException} naming the field.
 *
 * @param connectionString {@code redis://[[user]:password@]host:port[/db]} ({@code rediss://}
 *     for TLS, {@code unix://path} for a socket), e.g. {@code redis://127.0.0.1:6380}
 * @param keyPrefix put before every key, so one Redis can hold several deployments (or tests)
 * @param sessionTtl how long a session directory entry outlives its node; the node refreshes its
 *     entries every third of it, so a dead node's devices are unroutable for at most this long
 * @param connectTimeout deadline of opening a connection (TCP and handshake), and of the checks
 *     at {@link RedisStores#connect}
 * @param commandTimeout deadline of each command, from the caller's side; past it the call fails
 *     as unavailable
 * @param connections connections kept open to Redis, each carrying many commands at once
 *     (pipelined); one is enough for most nodes, more spread the work over event loops
 */
public record RedisStoreOptions(
    String connectionString,
    String keyPrefix,
    Duration sessionTtl,
    Duration connectTimeout,
    Duration commandTimeout,
    int connections) {
  public static final String DEFAULT_CONNECTION_STRING = "redis://127.0.0.1:6380";
  public static final String DEFAULT_KEY_PREFIX = "sealpost:";
  public static final Duration DEFAULT_SESSION_TTL = Duration.ofSeconds(30);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);
  public static final int DEFAULT_CONNECTIONS = 2;

  /** A refresh every third of the TTL must still be at least a millisecond apart. */
  private static final Duration MIN_SESSION_TTL = Duration.ofMillis(100);

  public RedisStoreOptions {
    check(connectionString != null
            && (connectionString.startsWith("redis://") || connectionString.startsWith("rediss://")
                || connectionString.startsWith("unix://")),
        "connectionString must start with redis://, rediss:// or unix://");
    check(keyPrefix != null, "keyPrefix must not be null");
    check(sessionTtl != null && sessionTtl.compareTo(MIN_SESSION_TTL) >= 0,
        "sessionTtl must be >= " + MIN_SESSION_TTL.toMillis() + "ms");
    check(connectTimeout != null && connectTimeout.toMillis() >= 1, "connectTimeout must be >= 1ms");
    check(commandTimeout != null && commandTimeout.toMillis() >= 1, "commandTimeout must be >= 1ms");
    check(connections >= 1, "connections must be >= 1");
  }

  /** The defaults, with Redis at {@code connectionString}. */
  public static RedisStoreOptions of(String connectionString) {
    return new RedisStoreOptions(connectionString, DEFAULT_KEY_PREFIX, DEFAULT_SESSION_TTL,
        DEFAULT_CONNECT_TIMEOUT, DEFAULT_COMMAND_TIMEOUT, DEFAULT_CONNECTIONS);
  }

  public RedisStoreOptions withKeyPrefix(String value) {
    return new RedisStoreOptions(connectionString, value, sessionTtl, connectTimeout,
        commandTimeout, connections);
  }

  public RedisStoreOptions withSessionTtl(Duration value) {
    return new RedisStoreOptions(connectionString, keyPrefix, value, connectTimeout,
        commandTimeout, connections);
  }

  public RedisStoreOptions withConnectTimeout(Duration value) {
    return new RedisStoreOptions(connectionString, keyPrefix, sessionTtl, value, commandTimeout,
        connections);
  }

  public RedisStoreOptions withCommandTimeout(Duration value) {
    return new RedisStoreOptions(connectionString, keyPrefix, sessionTtl, connectTimeout, value,
        connections);
  }

  public RedisStoreOptions withConnections(int value) {
    return new RedisStoreOptions(connectionString, keyPrefix, sessionTtl, connectTimeout,
        commandTimeout, value);
  }

  /** The connection string without its password: safe for logs. */
  public String redactedConnectionString() {
    int scheme = connectionString.indexOf("://") + 3;
    int at = connectionString.indexOf('@', scheme);
    int slash = connectionString.indexOf('/', scheme);
    if (at < 0 || (slash >= 0 && slash < at)) {
      return connectionString;
    }
    return connectionString.substring(0, scheme) + "***@" + connectionString.substring(at + 1);
  }

  /** Keeps the password out of logs and config dumps. */
  @Override
  public String toString() {
    return "RedisStoreOptions[connectionString=" + redactedConnectionString() + ", keyPrefix="
        + keyPrefix + ", sessionTtl=" + sessionTtl + ", connectTimeout=" + connectTimeout
        + ", commandTimeout=" + commandTimeout
        + ", connections=" + connections + "]";
  }

  private static void check(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException("redis " + message);
    }
  }
}
