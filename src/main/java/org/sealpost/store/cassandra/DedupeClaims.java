package org.sealpost.store.cassandra;

import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.google.protobuf.ByteString;
import io.vertx.core.Future;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.sealpost.store.MessageQueueStore.DedupeKey;
import org.sealpost.store.PendingSends;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which send of one (sender, destination, message id) stores its envelopes, and the record that it
 * did: the {@code dedupe} table.
 *
 * <p>A send claims its key in Redis ({@link PendingSends}: set unless present, one round trip), so
 * of concurrent sends exactly one wins; the winner then reads the key's record in Cassandra (a
 * send stored longer ago than Redis remembers, or before Redis lost its keys, answers as a
 * duplicate from it), unless its client says this is its first attempt at the key ({@code
 * SendMessageRequest.first_attempt}: nothing can be stored yet). It queues its envelopes and
 * writes the record ({@code server_timestamp}, {@code stored = true}, with the dedupe TTL); its
 * claim stays in Redis until it lapses ({@link #TAKEOVER_AFTER}). A send that finds the key held
 * reads the record: stored, it is a duplicate with the winner's server timestamp (and marks the
 * key stored in Redis for {@link #REMEMBER_STORED}, so further retries need no read); not yet, it
 * waits (up to {@link #PENDING_WAIT}, then fails as unavailable; polling Redis, and the record at
 * growing intervals), so no sender is told "already sent" for a message that is not queued yet.
 * If the winner fails to queue, it releases its claim and a retry starts afresh; if its node dies
 * in between, a retry takes the claim over once the node's liveness is gone (about 10 s, see
 * {@code RedisPendingSends}), or when it lapses, and then stores the message, twice if the dead
 * node had in fact queued it, never losing it.
 *
 * <p>No Paxos, and the cost falls on retries: a first attempt costs one Redis round trip and one
 * plain write to Cassandra; a retry one Redis round trip and a read. The record is read and
 * written at the configured consistency level, so a retry sees a stored send's record when reads
 * and writes overlap (QUORUM or LOCAL_QUORUM both ways); at ONE a retry may miss it and store the
 * message again. Only the expiry sweep deletes records conditionally, so it never deletes a record
 * written again meanwhile.
 */
final class DedupeClaims {
  private static final Logger log = LoggerFactory.getLogger(DedupeClaims.class);

  /** How long a retry waits for a concurrent first send to finish storing. */
  static final Duration PENDING_WAIT = Duration.ofSeconds(15);
  /**
   * A claim lasts this long, stored or not: one whose record is still missing then belongs to a
   * send that died (far beyond any append's deadline).
   */
  static final Duration TAKEOVER_AFTER = Duration.ofMinutes(2);
  /** Once a retry read a stored send's record, Redis answers the retries after it for this long. */
  static final Duration REMEMBER_STORED = Duration.ofMinutes(1);

  private static final int SWEEP_PARALLELISM = 32;

  private enum Statement {
    @Cql.Text("SELECT server_timestamp, stored FROM ${keyspace}.dedupe"
        + " WHERE sender = ? AND destination = ? AND message_id = ?")
    RECORD,
    @Cql.Text("INSERT INTO ${keyspace}.dedupe (sender, destination, message_id, server_timestamp, stored)"
        + " VALUES (?, ?, ?, ?, true) USING TTL ?")
    STORE,
    @Cql.Text("DELETE FROM ${keyspace}.dedupe WHERE sender = ? AND destination = ? AND message_id = ?"
        + " IF server_timestamp = ?")
    EXPIRE,
    @Cql.Text("SELECT sender, destination, message_id, server_timestamp FROM ${keyspace}.dedupe")
    SCAN,
    @Cql.Text("DELETE FROM ${keyspace}.dedupe WHERE sender = ? AND destination = ? AND message_id = ?")
    FORGET
  }

  /**
   * The outcome of a claim.
   *
   * @param won true when this send owns the key and must store its envelopes
   * @param serverTimestamp the accepted send's timestamp (this one's when won)
   * @param owner this send's id when won
   * @param claimedAt when this send claimed the key (node clock, ms) when won
   */
  record Claim(boolean won, long serverTimestamp, UUID owner, long claimedAt) {}

  private final Cql cql;
  private final PendingSends sends;
  private final Clock clock;
  private final Statements<Statement> statements;

  private DedupeClaims(Cql cql, PendingSends sends, Clock clock, Statements<Statement> statements) {
    this.cql = cql;
    this.sends = sends;
    this.clock = clock;
    this.statements = statements;
  }

  static Future<DedupeClaims> prepare(Cql cql, PendingSends sends, Clock clock) {
    return cql.prepareAll(Statement.class)
        .map(statements -> new DedupeClaims(cql, sends, clock, statements));
  }

  /**
   * Claims {@code key}, waiting while another send's claim on it is pending. A first attempt (its
   * client never sent the key before) that wins in Redis has nothing to find in Cassandra, so it
   * skips the read.
   */
  Future<Claim> claim(DedupeKey key, long serverTimestamp, boolean firstAttempt) {
    return claim(key, serverTimestamp, firstAttempt, UUID.randomUUID(), clock.millis() + PENDING_WAIT.toMillis(), 0);
  }

  private Future<Claim> claim(DedupeKey key, long serverTimestamp, boolean firstAttempt, UUID owner, long giveUpAt,
      int attempt) {
    long now = clock.millis();
    return sends.claim(pendingKey(key), owner.toString(), TAKEOVER_AFTER).compose(found -> {
      if (found.won() && firstAttempt) {
        return Future.succeededFuture(new Claim(true, serverTimestamp, owner, now));
      }
      if (found.won()) {
        // A send stored longer ago than Redis remembers, or before Redis lost its keys.
        return recorded(key)
            .recover(failure -> sends.release(pendingKey(key), owner.toString())
                .transform(v -> Future.<Long>failedFuture(failure)))
            .compose(stored -> stored < 0
                ? Future.succeededFuture(new Claim(true, serverTimestamp, owner, now))
                : duplicate(key, stored));
      }
      if (!found.pending()) {
        return Future.succeededFuture(new Claim(false, found.storedAt(), null, 0));
      }
      // Held: the send still being stored, or one stored within TAKEOVER_AFTER (its claim stays).
      // The record is read on attempts 0, 1, 3, 7, 15, ... only: retries waiting out a dead node's
      // claims poll Redis, not Cassandra, so a crowd of them stays cheap.
      Future<Long> record = (attempt & (attempt + 1)) == 0 ? recorded(key) : Future.succeededFuture(-1L);
      return record.compose(stored -> {
        if (stored >= 0) {
          return duplicate(key, stored);
        }
        if (clock.millis() >= giveUpAt) {
          return Future.failedFuture(Cql.unavailable("the first send of this message is still being stored"));
        }
        return cql.pause(attempt).compose(v -> claim(key, serverTimestamp, firstAttempt, owner, giveUpAt, attempt + 1));
      });
    });
  }

  /** The server timestamp of the key's stored send in Cassandra; -1 when there is none. */
  private Future<Long> recorded(DedupeKey key) {
    return cql.row(statements.bind(Statement.RECORD, key.sender(), key.destination(), id(key))).map(row ->
        row.isEmpty() || !row.get().getBoolean("stored") || row.get().isNull("server_timestamp")
            ? -1L
            : row.get().getLong("server_timestamp"));
  }

  /** A duplicate of the send stored at {@code stored}, marked stored in Redis for the retries after it. */
  private Future<Claim> duplicate(DedupeKey key, long stored) {
    return sends.stored(pendingKey(key), stored, REMEMBER_STORED)
        .transform(marked -> Future.succeededFuture(new Claim(false, stored, null, 0)));
  }

  /**
   * Marks the won claim stored: the record in Cassandra, nothing in Redis, where the claim stays
   * held until it lapses ({@link #TAKEOVER_AFTER}); a retry that finds it held reads the record.
   * Never fails: the envelopes are queued either way; a record not written makes retries wait,
   * then take over when the claim lapses and store the message again.
   */
  Future<Void> markStored(DedupeKey key, Claim claim) {
    int ttl = ttlSeconds(claim.claimedAt(), clock.millis());
    BoundStatement record = statements.bind(Statement.STORE,
        key.sender(), key.destination(), id(key), claim.serverTimestamp(), ttl);
    return cql.execute(record).transform(written -> {
      if (written.failed()) {
        log.warn("dedupe - could not record a stored send: {}", written.cause().getMessage());
      }
      return Future.succeededFuture();
    });
  }

  /** Gives up a won claim after its envelopes could not be queued, so a retry can store them. */
  Future<Void> release(DedupeKey key, Claim claim) {
    return sends.release(pendingKey(key), claim.owner().toString()).transform(ar -> {
      if (ar.failed()) {
        log.warn("dedupe - could not release a failed send's claim; a retry waits {} for it: {}",
            TAKEOVER_AFTER, ar.cause().getMessage());
      }
      return Future.succeededFuture();
    });
  }

  /** Deletes the records of sends accepted before {@code before} (ms); returns how many. */
  Future<Long> deleteOlderThan(long before) {
    long[] deleted = {0};
    return cql.scan(statements.bind(Statement.SCAN).setPageSize(500), page -> {
      List<Row> old = new ArrayList<>();
      for (Row row : page) {
        if (!row.isNull("server_timestamp") && row.getLong("server_timestamp") < before) {
          old.add(row);
        }
      }
      return expire(old, 0, deleted);
    }).map(v -> deleted[0]);
  }

  /**
   * Deletes the records of every send from or to {@code number} (its account is being deleted),
   * and Redis's memory of them. A full scan: no index finds a number's records.
   */
  Future<Void> forgetSendsOf(String number) {
    return cql.scan(statements.bind(Statement.SCAN).setPageSize(500), page -> {
      List<Future<?>> deletes = new ArrayList<>();
      for (Row row : page) {
        if (number.equals(row.getString("sender")) || number.equals(row.getString("destination"))) {
          DedupeKey key = new DedupeKey(row.getString("sender"), row.getString("destination"),
              ByteString.copyFrom(row.getByteBuffer("message_id")));
          deletes.add(cql.execute(statements.bind(Statement.FORGET, key.sender(), key.destination(), id(key)))
              .compose(v -> row.isNull("server_timestamp")
                  ? Future.succeededFuture()
                  : sends.forget(pendingKey(key), row.getLong("server_timestamp"))));
        }
      }
      return Future.all(deletes);
    });
  }

  private Future<Void> expire(List<Row> rows, int from, long[] deleted) {
    if (from >= rows.size()) {
      return Future.succeededFuture();
    }
    List<Future<?>> group = new ArrayList<>();
    for (Row row : rows.subList(from, Math.min(rows.size(), from + SWEEP_PARALLELISM))) {
      DedupeKey key = new DedupeKey(row.getString("sender"), row.getString("destination"),
          ByteString.copyFrom(row.getByteBuffer("message_id")));
      long serverTimestamp = row.getLong("server_timestamp");
      BoundStatement expire =
          statements.bind(Statement.EXPIRE, key.sender(), key.destination(), id(key), serverTimestamp);
      group.add(cql.applied(expire).compose(applied -> {
        deleted[0] += applied ? 1 : 0;
        // Redis would otherwise answer "duplicate" for a minute more.
        return applied ? sends.forget(pendingKey(key), serverTimestamp) : Future.succeededFuture();
      }));
    }
    return Future.all(group).compose(done -> expire(rows, from + SWEEP_PARALLELISM, deleted));
  }

  /** What is left of the dedupe TTL for a claim made at {@code claimedAt} (0: no TTL). */
  private int ttlSeconds(long claimedAt, long now) {
    long ttl = cql.options().dedupeTtl().toSeconds();
    if (ttl == 0) {
      return 0;
    }
    return (int) Math.max(1, ttl - Math.max(0, now - claimedAt) / 1000);
  }

  private static ByteBuffer id(DedupeKey key) {
    return key.messageId().asReadOnlyByteBuffer();
  }

  /** The key of a send in {@link PendingSends}: sender, destination and the id in hex. */
  static String pendingKey(DedupeKey key) {
    return key.sender() + ":" + key.destination() + ":" + HexFormat.of().formatHex(key.messageId().toByteArray());
  }
}
