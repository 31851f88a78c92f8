package org.sealpost.store.cassandra;

import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.sealpost.errors.ErrorCode;
import org.sealpost.errors.SealpostException;
import org.sealpost.store.AccountStore;
import org.sealpost.store.CodeStore;
import org.sealpost.store.GroupStore;
import org.sealpost.store.KeyLogStore;
import org.sealpost.store.MessageQueueStore;
import org.sealpost.store.PreKeyStore;
import org.sealpost.store.PresenceStore;
import org.sealpost.store.PrivacyStore;
import org.sealpost.store.PushTokenStore;
import org.sealpost.store.QueueCoordination;
import org.sealpost.store.RateLimitStore;
import org.sealpost.store.SessionDirectory;
import org.sealpost.store.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stores Sealpost keeps in Cassandra: accounts, message queues (with dedupe records), prekeys,
 * privacy settings, contacts and blocks, groups, push tokens and the key log, over one Vert.x
 * Cassandra client. Codes, rate limits,
 * presence and the session directory live in Redis.
 *
 * <p>{@link #connect} connects, applies the schema ({@link CassandraStoreOptions#schemaFile()}, every
 * statement idempotent) and prepares every statement, so a bad address, schema or query fails the
 * node's start rather than its first request. Keep the instance for the node's life and {@link
 * #close()} it on shutdown, before {@code vertx.close()}. Connect from the server's boot, not from a
 * verticle's start: the Vert.x client closes itself with the context it was created on, so one made
 * inside a verticle would close when that verticle is undeployed.
 *
 * <p>The stores are thread-safe and meant to be shared by every verticle instance of the node; each
 * call's future completes on the caller's context.
 */
public final class CassandraStores {
  private static final Logger log = LoggerFactory.getLogger(CassandraStores.class);

  private final Cql cql;
  private final CassandraAccountStore accounts;
  private final CassandraMessageQueueStore messages;
  private final CassandraPreKeyStore preKeys;
  private final CassandraPrivacyStore privacy;
  private final CassandraGroupStore groups;
  private final CassandraPushTokenStore pushTokens;
  private final CassandraKeyLogStore keyLog;

  private CassandraStores(Cql cql, CassandraAccountStore accounts,
      CassandraMessageQueueStore messages, CassandraPreKeyStore preKeys, CassandraPrivacyStore privacy,
      CassandraGroupStore groups, CassandraPushTokenStore pushTokens, CassandraKeyLogStore keyLog) {
    this.cql = cql;
    this.accounts = accounts;
    this.messages = messages;
    this.preKeys = preKeys;
    this.privacy = privacy;
    this.groups = groups;
    this.pushTokens = pushTokens;
    this.keyLog = keyLog;
  }

  /** {@link #connect(io.vertx.core.Vertx, CassandraStoreOptions, QueueCoordination, Clock)} with the system clock. */
  public static Future<CassandraStores> connect(io.vertx.core.Vertx vertx, CassandraStoreOptions options,
      QueueCoordination coordination) {
    return connect(vertx, options, coordination, Clock.systemUTC());
  }

  /**
   * Connects, applies the schema and prepares the stores. Fails with a {@link SealpostException} of
   * {@link ErrorCode#UNAVAILABLE} when Cassandra does not answer.
   *
   * @param coordination who appends to a device's queue next and which send of a message stores
   *     it (Redis's, shared by the cluster's nodes)
   * @param clock the node's clock: the age of pending dedupe claims
   */
  public static Future<CassandraStores> connect(io.vertx.core.Vertx vertx, CassandraStoreOptions options,
      QueueCoordination coordination, Clock clock) {
    String endpoint = String.join(",", options.contactPoints());
    log.info("cassandra {} - connecting (datacenter {}, keyspace {}, consistency {}/{})", endpoint,
        options.localDatacenter(), options.keyspace(), options.consistency(), options.serialConsistency());
    Cql cql = Cql.create(vertx, options);
    return CassandraSchema.apply(cql)
        .compose(applied -> {
          Future<CassandraAccountStore> accounts = CassandraAccountStore.prepare(cql);
          Future<QueueTable> queue = QueueTable.prepare(cql);
          Future<DedupeClaims> claims = DedupeClaims.prepare(cql, coordination.sends(), clock);
          Future<CassandraPreKeyStore> preKeys = CassandraPreKeyStore.prepare(cql);
          Future<CassandraPrivacyStore> privacy = CassandraPrivacyStore.prepare(cql);
          Future<CassandraGroupStore> groups = CassandraGroupStore.prepare(cql);
          Future<CassandraPushTokenStore> pushTokens = CassandraPushTokenStore.prepare(cql);
          Future<CassandraKeyLogStore> keyLog = CassandraKeyLogStore.prepare(cql);
          return Future.all(List.of(accounts, queue, claims, preKeys, privacy, groups, pushTokens, keyLog)).map(all -> new CassandraStores(cql,
              accounts.result(),
              new CassandraMessageQueueStore(queue.result(), claims.result(), coordination.turns()), preKeys.result(), privacy.result(),
              groups.result(), pushTokens.result(), keyLog.result()));
        })
        .onSuccess(stores -> log.info("cassandra {} - connected; envelopes live {}, dedupe records {}",
            endpoint, options.queueTtl(), options.dedupeTtl()))
        .recover(err -> cql.close().transform(closed -> Future.failedFuture(
            err instanceof SealpostException e && e.code() == ErrorCode.UNAVAILABLE
                ? new SealpostException(ErrorCode.UNAVAILABLE,
                    "cannot reach Cassandra at " + endpoint + ": " + err.getMessage())
                : err)));
  }

  public AccountStore accounts() {
    return accounts;
  }

  public MessageQueueStore messages() {
    return messages;
  }

  public PreKeyStore preKeys() {
    return preKeys;
  }

  public PrivacyStore privacy() {
    return privacy;
  }

  public GroupStore groups() {
    return groups;
  }

  public PushTokenStore pushTokens() {
    return pushTokens;
  }

  public KeyLogStore keyLog() {
    return keyLog;
  }

  /**
   * These stores with codes, rate limits, sessions and presence from elsewhere (Redis), as the
   * node's {@link Stores}; closing those {@link Stores} closes this client (waiting up to a minute on
   * a worker thread).
   */
  public Stores toStores(CodeStore codes, RateLimitStore rateLimits, SessionDirectory sessions,
      PresenceStore presence) {
    return new Stores(accounts, codes, messages, preKeys, rateLimits, sessions, privacy, presence, groups, pushTokens, keyLog,
        () -> close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES));
  }

  /** The session, for tests that look at tables directly. */
  Cql cql() {
    return cql;
  }

  /** Closes the client; never fails. Calls made afterwards fail as unavailable. */
  public Future<Void> close() {
    String endpoint = String.join(",", cql.options().contactPoints());
    log.info("cassandra {} - closing", endpoint);
    return cql.close().transform(closed -> {
      if (closed.failed()) {
        log.warn("cassandra {} - close failed: {}", endpoint, closed.cause().getMessage());
      }
      log.info("cassandra {} - closed", endpoint);
      return Future.succeededFuture();
    });
  }
}
