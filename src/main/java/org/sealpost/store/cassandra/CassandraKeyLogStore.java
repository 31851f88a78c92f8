package org.sealpost.store.cassandra;

import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.vertx.core.Future;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.sealpost.store.KeyLogStore;

/**
 * The key log in the {@code key_log} table (entries by bucket and index) and {@code key_log_meta}
 * (the signing key). An append is {@code INSERT ... IF NOT EXISTS}, a lightweight transaction:
 * Paxos lets exactly one node of the cluster have each index, whichever coordinator it asks.
 *
 * <p>A batch of entries is one conditional batch of those inserts, one Paxos round for all of them,
 * applied whole or (when any of its indexes is taken) not at all. Cassandra takes conditional
 * batches only within one partition, so a batch stops at the end of the bucket of its first index;
 * it stops sooner at {@link #MAX_BATCH_BYTES}. The caller appends
 * the rest at the next index, as the contract says. Entries are taken in order, so with no holes in
 * the log a batch is refused only when its first index is taken.
 *
 * <p>Reads run at the serial level ({@link Cql#serial()}), as the other stores read rows written by
 * lightweight transactions when they must see every committed one: a serial read also finishes a
 * Paxos round left half done (an append whose coordinator timed out), so a node never reads a log
 * shorter than one an append has already been acknowledged into, nor an index later filled in
 * behind it. That costs a Paxos round per bucket read; the key log is not on the message path.
 *
 * <p>Unlike the embedded store, an append here does not check that index - 1 exists (that would
 * take another serial read per append); an append past the end is a caller bug, and reads stop at
 * the first missing index, so an entry beyond a hole is never read.
 */
final class CassandraKeyLogStore implements KeyLogStore {
  /**
   * Indexes per partition of {@code key_log}: a partition per bucket keeps partitions bounded
   * (65536 entries of a few hundred bytes, some tens of MB) however long the log grows, while a
   * read of a range touches one or two partitions. Never change it for an existing table: it
   * decides where every stored entry is.
   */
  static final int BUCKET_SIZE = 65536;

  /**
   * The most bytes one append's batch carries, counting each entry with {@link #ROW_BYTES}: below
   * Cassandra's {@code batch_size_warn_threshold} (5 KiB by default), so no key log batch is one an
   * operator would be warned about. Cassandra applies that threshold only to unconditional batches
   * spanning several partitions (on 5.0.9 a conditional batch of 600 100-byte entries, past even the
   * 50 KiB fail threshold, went through without a warning), so it does not fire on these batches
   * today; the bound keeps it quiet should that change, and
   * keeps each Paxos proposal small (every replica writes it to {@code system.paxos}, and a
   * contender that finds a round half done proposes it again). With entries of about 100 bytes that
   * is 24 entries a round instead of one; however small the entries, it is at most 64.
   */
  static final int MAX_BATCH_BYTES = 4096;

  /**
   * What a row adds to its entry in Cassandra's count of a batch's size (index, timestamps, cell
   * and row headers): 100 rows of 100-byte entries counted 14.6 KiB on Cassandra 5.0.9, some 50
   * bytes a row over the entry; rounded up.
   */
  static final int ROW_BYTES = 64;

  private static final String SIGNING_KEY = "signing_key";

  private enum Statement {
    @Cql.Text("INSERT INTO ${keyspace}.key_log (bucket, idx, entry) VALUES (?, ?, ?) IF NOT EXISTS")
    APPEND,
    @Cql.Text("SELECT idx, entry FROM ${keyspace}.key_log WHERE bucket = ? AND idx >= ? LIMIT ?")
    READ,
    @Cql.Text("INSERT INTO ${keyspace}.key_log_meta (name, value) VALUES (?, ?) IF NOT EXISTS")
    PUT_META,
    @Cql.Text("SELECT value FROM ${keyspace}.key_log_meta WHERE name = ?")
    GET_META
  }

  private final Cql cql;
  private final Statements<Statement> statements;
  private final int bucketSize;

  private CassandraKeyLogStore(Cql cql, Statements<Statement> statements, int bucketSize) {
    this.cql = cql;
    this.statements = statements;
    this.bucketSize = bucketSize;
  }

  static Future<CassandraKeyLogStore> prepare(Cql cql) {
    return prepare(cql, BUCKET_SIZE);
  }

  /** With buckets of {@code bucketSize} indexes: tests read across buckets of a few entries. */
  static Future<CassandraKeyLogStore> prepare(Cql cql, int bucketSize) {
    if (bucketSize < 1) {
      throw new IllegalArgumentException("bucketSize must be positive");
    }
    return cql.prepareAll(Statement.class)
        .map(statements -> new CassandraKeyLogStore(cql, statements, bucketSize));
  }

  @Override
  public Future<Integer> append(long index, List<byte[]> entries) {
    IllegalArgumentException invalid = KeyLogStore.invalidAppend(index, entries);
    if (invalid != null) {
      return Future.failedFuture(invalid);
    }
    long bucket = index / bucketSize;
    int count = batchLength(entries, (bucket + 1) * bucketSize - index);
    List<BoundStatement> inserts = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      inserts.add(statements.bind(Statement.APPEND, bucket, index + i, ByteBuffer.wrap(entries.get(i).clone())));
    }
    return cql.applied(Cql.batch(inserts)).map(applied -> applied ? count : 0);
  }

  /**
   * How many of {@code entries} one batch takes: at most {@code room} (the indexes left in the
   * bucket), and as many as fit in {@link #MAX_BATCH_BYTES} (see there); always at least one, so an
   * entry larger than the byte bound goes alone.
   */
  static int batchLength(List<byte[]> entries, long room) {
    int limit = (int) Math.min(entries.size(), room);
    int count = 1;
    long bytes = entries.get(0).length + ROW_BYTES;
    while (count < limit && bytes + entries.get(count).length + ROW_BYTES <= MAX_BATCH_BYTES) {
      bytes += entries.get(count).length + ROW_BYTES;
      count++;
    }
    return count;
  }

  @Override
  public Future<List<byte[]>> read(long from, int max) {
    if (from < 0 || max < 0) {
      return Future.failedFuture(new IllegalArgumentException("read(" + from + ", " + max + ")"));
    }
    return readFrom(from, max, new ArrayList<>(Math.min(max, 1024)));
  }

  /**
   * Reads bucket after bucket from {@code index} into {@code entries}: a bucket that returns fewer
   * rows than were asked of it (or whose indexes stop following on) holds the log's end.
   */
  private Future<List<byte[]>> readFrom(long index, int max, List<byte[]> entries) {
    if (entries.size() == max) {
      return Future.succeededFuture(entries);
    }
    long bucket = index / bucketSize;
    long bucketEnd = (bucket + 1) * bucketSize;
    int limit = (int) Math.min(max - entries.size(), bucketEnd - index);
    return cql.rows(statements.bind(Statement.READ, bucket, index, limit).setConsistencyLevel(cql.serial()))
        .compose(rows -> {
          long expected = index;
          for (Row row : rows) {
            if (row.getLong("idx") != expected++) {
              return Future.succeededFuture(entries); // a hole (see the class comment) ends the log
            }
            entries.add(bytes(row.getByteBuffer("entry")));
          }
          return rows.size() < limit ? Future.succeededFuture(entries) : readFrom(bucketEnd, max, entries);
        });
  }

  /**
   * The first candidate is stored by a lightweight transaction; one that loses gets the stored key
   * back in the same round ({@code IF NOT EXISTS} returns the existing row when it does not apply).
   */
  @Override
  public Future<byte[]> signingKey(byte[] candidate) {
    byte[] value = candidate.clone();
    return cql.row(statements.bind(Statement.PUT_META, SIGNING_KEY, ByteBuffer.wrap(value)))
        .compose(row -> {
          if (row.isEmpty()) {
            return Future.failedFuture(new IllegalStateException("a conditional insert returned no row"));
          }
          if (row.get().getBoolean("[applied]")) {
            return Future.succeededFuture(value.clone());
          }
          ByteBuffer stored = row.get().getByteBuffer("value");
          return stored != null ? Future.succeededFuture(bytes(stored)) : storedKey();
        });
  }

  /** The stored key, read at the serial level so it sees the insert that won. */
  private Future<byte[]> storedKey() {
    return cql.row(statements.bind(Statement.GET_META, SIGNING_KEY), true).map(row -> row
        .map(r -> r.getByteBuffer("value"))
        .map(CassandraKeyLogStore::bytes)
        .orElseThrow(() -> new IllegalStateException("the key log's signing key is neither stored nor storable")));
  }

  private static byte[] bytes(ByteBuffer blob) {
    ByteBuffer copy = blob.duplicate();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    return bytes;
  }
}
