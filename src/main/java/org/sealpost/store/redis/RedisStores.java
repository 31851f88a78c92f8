package org.sealpost.store.redis;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.sealpost.errors.ErrorCode;
import org.sealpost.errors.SealpostException;
import org.sealpost.store.CodeStore;
import org.sealpost.store.PresenceStore;
import org.sealpost.store.QueueCoordination;
import org.sealpost.store.RateLimitStore;
import org.sealpost.store.SessionDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stores Sealpost keeps in Redis: rate limits ({@link RedisRateLimitStore}), the session
 * directory ({@link RedisSessionDirectory}), presence ({@link RedisPresenceStore}), single-use codes
 * ({@link RedisCodeStore}) and the turns at
 * appending to Cassandra's device queues and its sends being stored ({@link #queueCoordination}), over a few pipelined connections of the Vert.x Redis
 * client ({@link PipelinedConnections}).
 *
 * <p>{@link #connect} checks that Redis answers and caches the Lua scripts on it (which also
 * catches a script that does not compile), so a bad address fails the node's start rather than
 * its first request. Keep the returned instance for the node's life and {@link #close()} it on
 * shutdown, before {@code vertx.close()}: closing deletes this node's session entries, which needs
 * a working client. (After {@code vertx.close()} there is nothing left to close: Vert.x has closed
 * the client, and the entries expire within the session TTL.)
 */
public final class RedisStores {
  private static final Logger log = LoggerFactory.getLogger(RedisStores.class);

  /** Commands in flight on one connection before further ones fail as unavailable. */
  private static final int MAX_IN_FLIGHT_PER_CONNECTION = 8_192;
  /**
   * How long a queue turn lasts when its holder dies: the time other nodes wait for a device then.
   * A holder still writing after it only makes its append fail (and be retried), so it need not
   * cover a slow write.
   */
  static final Duration QUEUE_TURN_LEASE = Duration.ofSeconds(5);

  private final PipelinedConnections connections;
  private final RedisCommands commands;
  private final RedisRateLimitStore rateLimits;
  private final RedisSessionDirectory sessions;
  private final RedisPresenceStore presence;
  private final RedisQueueTurns queueTurns;
  private final RedisPendingSends pendingSends;
  private final RedisCodeStore codes;

  private RedisStores(Vertx vertx, PipelinedConnections connections, RedisCommands commands,
      RedisStoreOptions options) {
    this.connections = connections;
    this.commands = commands;
    this.rateLimits = new RedisRateLimitStore(commands, options.keyPrefix() + "rl:");
    this.sessions =
        new RedisSessionDirectory(vertx, commands, options.keyPrefix(), options.sessionTtl());
    this.presence = new RedisPresenceStore(vertx, commands, options.keyPrefix(), options.sessionTtl());
    this.queueTurns = new RedisQueueTurns(commands, options.keyPrefix(), QUEUE_TURN_LEASE);
    this.pendingSends = new RedisPendingSends(vertx, commands, options.keyPrefix());
    this.codes = new RedisCodeStore(commands, options.keyPrefix());
  }

  /**
   * Connects to Redis and starts refreshing the session directory. Fails with a
   * {@link SealpostException} of {@link ErrorCode#UNAVAILABLE} when Redis does not answer within
   * the connect and command timeouts.
   */
  public static Future<RedisStores> connect(Vertx vertx, RedisStoreOptions options) {
    String endpoint = options.redactedConnectionString();
    int connectMillis = (int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis());
    RedisOptions redisOptions = new RedisOptions()
        .setConnectionString(options.connectionString())
        .setMaxPoolSize(1)
        .setMaxWaitingHandlers(MAX_IN_FLIGHT_PER_CONNECTION)
        .setNetClientOptions(new NetClientOptions().setConnectTimeout(connectMillis));
    PipelinedConnections connections = new PipelinedConnections(
        () -> Redis.createClient(vertx, redisOptions), endpoint, options.connections(),
        options.connectTimeout(), options.commandTimeout());
    RedisCommands commands =
        new RedisCommands(connections::send, endpoint, options.commandTimeout());
    // The first commands open the connections, so they get the connect deadline.
    RedisCommands opening = new RedisCommands(connections::send, endpoint,
        options.connectTimeout().plus(options.commandTimeout()));
    log.info("redis {} - connecting", endpoint);
    return opening.send(Request.cmd(Command.PING))
        .compose(pong -> loadScripts(opening))
        .compose(loaded -> {
          RedisStores stores = new RedisStores(vertx, connections, commands, options);
          return stores.pendingSends.start().map(stores);
        })
        .map(stores -> {
          stores.sessions.start();
          stores.presence.start();
          log.info("redis {} - connected: session entries live {}, refreshed every {}",
              endpoint, options.sessionTtl(), stores.sessions.refreshInterval());
          return stores;
        })
        .recover(err -> connections.close().transform(closed -> Future.failedFuture(
            err instanceof SealpostException
                ? new SealpostException(ErrorCode.UNAVAILABLE, "cannot reach Redis at " + endpoint)
                : err)));
  }

  public RateLimitStore rateLimits() {
    return rateLimits;
  }

  /**
   * The session directory. It refreshes its own entries (see {@link RedisSessionDirectory}); the
   * caller only registers and unregisters.
   */
  public SessionDirectory sessions() {
    return sessions;
  }

  /** Presence, connected-device counts and subscriptions ({@link RedisPresenceStore}). */
  public PresenceStore presence() {
    return presence;
  }

  /** Registration and device-link codes ({@link RedisCodeStore}). */
  public CodeStore codes() {
    return codes;
  }

  /**
   * What Cassandra's message queues coordinate through: turns at appending to a device's queue
   * ({@link RedisQueueTurns}) and sends being stored ({@link RedisPendingSends}).
   */
  public QueueCoordination queueCoordination() {
    return new QueueCoordination(queueTurns, pendingSends);
  }

  /** Marks this node's devices offline, deletes its session entries, then closes the client; never fails. */
  public Future<Void> close() {
    log.info("redis {} - closing", commands.endpoint());
    return presence.close()
        .eventually(sessions::close)
        .eventually(pendingSends::close)
        .eventually(connections::close)
        .transform(closed -> {
          if (closed.failed()) {
            log.warn("redis {} - close failed: {}", commands.endpoint(),
                RedisCommands.describe(closed.cause()));
          }
          log.info("redis {} - closed", commands.endpoint());
          return Future.succeededFuture();
        });
  }

  /** The session directory with its test hooks (refresh on demand, stop refreshing). */
  RedisSessionDirectory sessionDirectory() {
    return sessions;
  }

  /** The pending sends with their test hooks. */
  RedisPendingSends pendingSends() {
    return pendingSends;
  }

  /** The command path the stores use; for tests. */
  RedisCommands commands() {
    return commands;
  }

  /** Caches every script and checks the server's digest matches ours. */
  private static Future<Void> loadScripts(RedisCommands commands) {
    List<Future<?>> loads = new ArrayList<>();
    for (LuaScript script : List.of(RedisRateLimitStore.TAKE, LuaScript.DELETE_IF_EQUAL,
        RedisSessionDirectory.REFRESH, RedisPresenceStore.CONNECT, RedisPresenceStore.DISCONNECT,
        RedisPresenceStore.GET, RedisQueueTurns.TAKE, RedisQueueTurns.GIVE, RedisPendingSends.CLAIM, RedisPendingSends.TAKE_OVER, RedisCodeStore.PUT,
        RedisCodeStore.CHECK, RedisCodeStore.SWEEP)) {
      loads.add(commands.send(script.scriptLoad()).compose(sha1 ->
          sha1.toString().equals(script.sha1())
              ? Future.succeededFuture()
              : Future.failedFuture(new IllegalStateException("Redis digests " + script.name()
                  + " as " + sha1 + ", expected " + script.sha1()))));
    }
    return Future.all(loads).mapEmpty();
  }
}
