package org.sealpost.store.cassandra;

import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.sealpost.store.CodeStore;
import org.sealpost.store.proto.CodeRecord;

/**
 * Codes in the {@code codes} table, one row per key with the CodeRecord (attempts included) and a
 * version. A check is a compare-and-set on the version it read: a match deletes the row ({@code
 * DELETE ... IF version = ?}), so of concurrent checks with the right code exactly one applies and
 * answers MATCH, and the others read again and find nothing; a wrong guess rewrites the record with
 * one more attempt, or deletes it at the limit, under the same condition, so concurrent wrong
 * guesses are all counted. Checks and puts of one key are lined up within a node.
 *
 * <p>Rows carry a TTL of the code's remaining lifetime plus {@link #EXPIRED_GRACE}, so codes that
 * no sweep deletes still go away; until then an expired code is still there for {@link #get} and
 * {@link #deleteExpired}, as in every store.
 */
final class CassandraCodeStore implements CodeStore {
  /** How long an expired code stays before its TTL removes it. */
  static final Duration EXPIRED_GRACE = Duration.ofDays(1);

  /** Expired codes deleted at once by a sweep; bounds the requests in flight. */
  private static final int SWEEP_PARALLELISM = 32;

  private final Cql cql;
  private final Clock clock;
  private final KeyedSequencer<String> writes;
  private final PreparedStatement select;
  private final PreparedStatement insert;
  private final PreparedStatement update;
  private final PreparedStatement delete;
  private final PreparedStatement scan;

  private CassandraCodeStore(Cql cql, Clock clock, List<PreparedStatement> statements) {
    this.cql = cql;
    this.clock = clock;
    this.writes = new KeyedSequencer<>(cql.vertx());
    this.select = statements.get(0);
    this.insert = statements.get(1);
    this.update = statements.get(2);
    this.delete = statements.get(3);
    this.scan = statements.get(4);
  }

  static Future<CassandraCodeStore> prepare(Cql cql, Clock clock) {
    List<Future<PreparedStatement>> statements = List.of(
        cql.prepare("SELECT record, version FROM ${keyspace}.codes WHERE key = ?"),
        cql.prepare("INSERT INTO ${keyspace}.codes (key, record, version) VALUES (?, ?, ?) IF NOT EXISTS"
            + " USING TTL ?"),
        cql.prepare("UPDATE ${keyspace}.codes USING TTL ? SET record = ?, version = ? WHERE key = ?"
            + " IF version = ?"),
        cql.prepare("DELETE FROM ${keyspace}.codes WHERE key = ? IF version = ?"),
        cql.prepare("SELECT key, record, version FROM ${keyspace}.codes"));
    return Future.all(statements).map(all ->
        new CassandraCodeStore(cql, clock, statements.stream().map(Future::result).toList()));
  }

  @Override
  public Future<Void> put(String key, CodeRecord record) {
    return writes.submit(key, () -> CasLoop.run(cql, "storing a code", attempt ->
        read(key, attempt > 0).compose(found -> found.isEmpty()
            ? cql.applied(insert.bind(key, Protos.blob(record), Versioned.next(), ttl(record)))
                .compose(applied -> applied ? CasLoop.done(true) : CasLoop.lost())
            : write(key, record, found.get().version())
                .compose(applied -> applied ? CasLoop.done(true) : CasLoop.lost()))))
        .mapEmpty();
  }

  @Override
  public Future<Optional<CodeRecord>> get(String key) {
    return read(key, false).map(found -> found.map(Versioned::value));
  }

  @Override
  public Future<CodeCheck> check(String key, String code, long nowMillis, int maxAttempts) {
    byte[] offered = code.getBytes(StandardCharsets.UTF_8);
    return writes.submit(key, () -> CasLoop.run(cql, "checking a code", attempt ->
        read(key, attempt > 0).compose(found -> {
          if (found.isEmpty()) {
            return CasLoop.done(CodeCheck.ABSENT);
          }
          CodeRecord record = found.get().value();
          UUID version = found.get().version();
          if (nowMillis >= record.getExpiresAt() || record.getAttempts() >= maxAttempts) {
            return decide(remove(key, version), CodeCheck.ABSENT);
          }
          // Constant time, so response timing does not reveal how much of a guess was right.
          if (MessageDigest.isEqual(record.getCode().getBytes(StandardCharsets.UTF_8), offered)) {
            return decide(remove(key, version), CodeCheck.MATCH);
          }
          int attempts = record.getAttempts() + 1;
          Future<Boolean> counted = attempts >= maxAttempts
              ? remove(key, version)
              : write(key, record.toBuilder().setAttempts(attempts).build(), version);
          return decide(counted, CodeCheck.WRONG);
        })));
  }

  /**
   * Scans the table page by page and deletes each expired code under its version, so a code
   * replaced since the scan read it stays.
   */
  @Override
  public Future<Long> deleteExpired(long nowMillis) {
    long[] deleted = {0};
    return cql.scan(scan.bind().setPageSize(500), page -> {
      List<Row> expired = new ArrayList<>();
      for (Row row : page) {
        if (Protos.parse(CodeRecord.parser(), row.getByteBuffer("record")).getExpiresAt() < nowMillis) {
          expired.add(row);
        }
      }
      return inGroups(expired, 0, deleted);
    }).map(v -> deleted[0]);
  }

  private Future<Void> inGroups(List<Row> rows, int from, long[] deleted) {
    if (from >= rows.size()) {
      return Future.succeededFuture();
    }
    List<Future<Boolean>> group = new ArrayList<>();
    for (Row row : rows.subList(from, Math.min(rows.size(), from + SWEEP_PARALLELISM))) {
      group.add(remove(row.getString("key"), row.getUuid("version"))
          .onSuccess(applied -> {
            if (applied) {
              deleted[0]++;
            }
          }));
    }
    return Future.all(group).compose(done -> inGroups(rows, from + SWEEP_PARALLELISM, deleted));
  }

  private static Future<Optional<CodeCheck>> decide(Future<Boolean> write, CodeCheck answer) {
    return write.compose(applied -> applied ? CasLoop.done(answer) : CasLoop.lost());
  }

  private Future<Optional<Versioned<CodeRecord>>> read(String key, boolean serial) {
    BoundStatement statement = select.bind(key);
    if (serial) {
      statement = statement.setConsistencyLevel(cql.serial());
    }
    return cql.row(statement).map(row -> row.map(r -> new Versioned<>(
        Protos.parse(CodeRecord.parser(), r.getByteBuffer("record")), r.getUuid("version"))));
  }

  private Future<Boolean> write(String key, CodeRecord record, UUID expected) {
    return cql.applied(update.bind(ttl(record), Protos.blob(record), Versioned.next(), key, expected));
  }

  private Future<Boolean> remove(String key, UUID expected) {
    return cql.applied(delete.bind(key, expected));
  }

  /** Seconds until the code has been expired for {@link #EXPIRED_GRACE}, by this node's clock. */
  private int ttl(CodeRecord record) {
    long left = Math.max(0, record.getExpiresAt() - clock.millis()) / 1000;
    long ttl = left + EXPIRED_GRACE.toSeconds();
    return (int) Math.min(ttl, CassandraStoreOptions.MAX_TTL.toSeconds());
  }
}
