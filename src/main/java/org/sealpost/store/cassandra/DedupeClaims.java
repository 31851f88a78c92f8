package org.sealpost.store.cassandra;

import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.vertx.core.Future;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.UUID;
import org.sealpost.store.MessageQueueStore.DedupeKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code dedupe} table: who may store the envelopes of one (sender, destination, message id).
 *
 * <p>A send claims its key with {@code INSERT ... IF NOT EXISTS}, so of concurrent sends exactly one
 * wins; the winner queues its envelopes and then marks the claim stored. A send that loses gets the
 * winner's server timestamp as a duplicate, but only once the claim is stored: while it is pending
 * the loser waits (up to {@link #PENDING_WAIT}, then fails as unavailable), so no sender is told
 * "already sent" for a message that is not queued yet. If the winner fails to queue, it deletes its
 * claim and a retry starts afresh; if its node dies in between, the claim stays pending, and a
 * retry more than {@link #TAKEOVER_AFTER} later takes it over ({@code UPDATE ... IF owner = ?}).
 * A takeover can queue a message twice, if the dead node had in fact queued it; it never loses one.
 *
 * <p>Claims, takeovers, releases and sweeps are lightweight transactions; marking a claim stored,
 * once per message, is not: a plain read of the claim's owner and write time, then a plain write
 * of {@code stored} stamped one microsecond after the claim. A write stamped by this node's clock
 * alone could fall before the claim's Paxos timestamp (the coordinator's clock) and lose to its
 * {@code stored = false}; one stamped after the claim cannot, and later Paxos writes on the record
 * (a sweep's delete) are stamped later still. A read that does not find this send's claim (a
 * replica behind, at a level below quorum) falls back to the conditional write.
 */
final class DedupeClaims {
  private static final Logger log = LoggerFactory.getLogger(DedupeClaims.class);

  /** How long a retry waits for a concurrent first send to finish storing. */
  static final Duration PENDING_WAIT = Duration.ofSeconds(15);
  /** A claim pending this long belongs to a send that died; far beyond any append's deadline. */
  static final Duration TAKEOVER_AFTER = Duration.ofMinutes(2);

  private static final int SWEEP_PARALLELISM = 32;

  private enum D implements Cql.Text {
    CLAIM("INSERT INTO ${keyspace}.dedupe (sender, destination, message_id, server_timestamp, owner, stored,"
        + " claimed_at) VALUES (?, ?, ?, ?, ?, false, ?) IF NOT EXISTS USING TTL ?"),
    TAKE_OVER("UPDATE ${keyspace}.dedupe USING TTL ? SET server_timestamp = ?, owner = ?, claimed_at = ?"
        + " WHERE sender = ? AND destination = ? AND message_id = ? IF owner = ? AND stored = false"),
    CLAIMED("SELECT owner, WRITETIME(owner) AS claimed FROM ${keyspace}.dedupe"
        + " WHERE sender = ? AND destination = ? AND message_id = ?"),
    MARK_STORED("UPDATE ${keyspace}.dedupe USING TTL ? AND TIMESTAMP ? SET stored = true"
        + " WHERE sender = ? AND destination = ? AND message_id = ?"),
    MARK_STORED_IF_OWNER("UPDATE ${keyspace}.dedupe USING TTL ? SET stored = true"
        + " WHERE sender = ? AND destination = ? AND message_id = ? IF owner = ?"),
    RELEASE("DELETE FROM ${keyspace}.dedupe WHERE sender = ? AND destination = ? AND message_id = ?"
        + " IF owner = ?"),
    EXPIRE("DELETE FROM ${keyspace}.dedupe WHERE sender = ? AND destination = ? AND message_id = ?"
        + " IF server_timestamp = ?"),
    SCAN("SELECT sender, destination, message_id, server_timestamp FROM ${keyspace}.dedupe");

    private final String cql;

    D(String cql) {
      this.cql = cql;
    }

    @Override
    public String cql() {
      return cql;
    }
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
  private final Clock clock;
  private final EnumMap<D, PreparedStatement> statements;

  private DedupeClaims(Cql cql, Clock clock, EnumMap<D, PreparedStatement> statements) {
    this.cql = cql;
    this.clock = clock;
    this.statements = statements;
  }

  static Future<DedupeClaims> prepare(Cql cql, Clock clock) {
    return cql.prepareAll(D.class).map(statements -> new DedupeClaims(cql, clock, statements));
  }

  /** Claims {@code key}, waiting while another send's claim on it is pending. */
  Future<Claim> claim(DedupeKey key, long serverTimestamp) {
    return claim(key, serverTimestamp, clock.millis() + PENDING_WAIT.toMillis(), 0);
  }

  private Future<Claim> claim(DedupeKey key, long serverTimestamp, long giveUpAt, int attempt) {
    UUID owner = UUID.randomUUID();
    long now = clock.millis();
    BoundStatement insert = statements.get(D.CLAIM).bind(key.sender(), key.destination(), id(key),
        serverTimestamp, owner, now, ttlSeconds(now, now));
    return cql.execute(insert).compose(rs -> {
      if (rs.wasApplied()) {
        return Future.succeededFuture(new Claim(true, serverTimestamp, owner, now));
      }
      Row existing = rs.one();
      if (existing != null && existing.getBoolean("stored")) {
        return Future.succeededFuture(new Claim(false, existing.getLong("server_timestamp"), null, 0));
      }
      if (existing != null && now - existing.getLong("claimed_at") >= TAKEOVER_AFTER.toMillis()) {
        return takeOver(key, serverTimestamp, existing.getUuid("owner"), owner, now)
            .compose(won -> won
                ? Future.succeededFuture(new Claim(true, serverTimestamp, owner, now))
                : again(key, serverTimestamp, giveUpAt, attempt));
      }
      return again(key, serverTimestamp, giveUpAt, attempt);
    });
  }

  /** Claims again after a pause, unless the wait for a pending claim is over. */
  private Future<Claim> again(DedupeKey key, long serverTimestamp, long giveUpAt, int attempt) {
    if (clock.millis() >= giveUpAt) {
      return Future.failedFuture(Cql.unavailable("the first send of this message is still being stored"));
    }
    return cql.pause(attempt).compose(v -> claim(key, serverTimestamp, giveUpAt, attempt + 1));
  }

  private Future<Boolean> takeOver(DedupeKey key, long serverTimestamp, UUID silent, UUID owner, long now) {
    log.warn("dedupe - taking over a send pending for over {}; its envelopes may be queued twice",
        TAKEOVER_AFTER);
    return cql.applied(statements.get(D.TAKE_OVER).bind(ttlSeconds(now, now), serverTimestamp, owner, now,
        key.sender(), key.destination(), id(key), silent));
  }

  /**
   * Marks the won claim stored (see above). Never fails: the envelopes are queued either way, and a
   * claim left pending only makes a retry wait, then take over.
   */
  Future<Void> markStored(DedupeKey key, Claim claim) {
    int ttl = ttlSeconds(claim.claimedAt(), clock.millis());
    BoundStatement read = statements.get(D.CLAIMED).bind(key.sender(), key.destination(), id(key));
    return cql.row(read).compose(row -> {
      if (row.isPresent() && claim.owner().equals(row.get().getUuid("owner"))) {
        return cql.execute(statements.get(D.MARK_STORED).bind(ttl, row.get().getLong("claimed") + 1,
            key.sender(), key.destination(), id(key))).map(true);
      }
      return cql.applied(statements.get(D.MARK_STORED_IF_OWNER).bind(ttl, key.sender(), key.destination(),
          id(key), claim.owner()));
    }).transform(ar -> {
      if (ar.failed() || !ar.result()) {
        log.warn("dedupe - could not mark a stored send: {}",
            ar.failed() ? ar.cause().getMessage() : "the claim was taken over");
      }
      return Future.succeededFuture();
    });
  }

  /** Gives up a won claim after its envelopes could not be queued, so a retry can store them. */
  Future<Void> release(DedupeKey key, Claim claim) {
    BoundStatement delete = statements.get(D.RELEASE).bind(key.sender(), key.destination(), id(key), claim.owner());
    return cql.applied(delete).transform(ar -> {
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
    return cql.scan(statements.get(D.SCAN).bind().setPageSize(500), page -> {
      List<Row> old = new ArrayList<>();
      for (Row row : page) {
        if (!row.isNull("server_timestamp") && row.getLong("server_timestamp") < before) {
          old.add(row);
        }
      }
      return expire(old, 0, deleted);
    }).map(v -> deleted[0]);
  }

  private Future<Void> expire(List<Row> rows, int from, long[] deleted) {
    if (from >= rows.size()) {
      return Future.succeededFuture();
    }
    List<Future<Boolean>> group = new ArrayList<>();
    for (Row row : rows.subList(from, Math.min(rows.size(), from + SWEEP_PARALLELISM))) {
      group.add(cql.applied(statements.get(D.EXPIRE).bind(row.getString("sender"), row.getString("destination"),
              row.getByteBuffer("message_id"), row.getLong("server_timestamp")))
          .onSuccess(applied -> deleted[0] += applied ? 1 : 0));
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
}
