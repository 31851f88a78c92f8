package org.sealpost.store.embedded;

import static org.sealpost.store.embedded.ColumnFamily.KEY_LOG;
import static org.sealpost.store.embedded.ColumnFamily.KEY_LOG_META;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import org.sealpost.store.KeyLogStore;

/**
 * The key log in {@link ColumnFamily#KEY_LOG} (entries by index) and {@link
 * ColumnFamily#KEY_LOG_META} (the signing key). Each append and each get-or-create of the key is
 * one write operation, and write operations run one after another, so checking the index and
 * storing the entries cannot be split by another writer.
 *
 * <p>Besides refusing a taken index (0), {@link #append} refuses an index that would leave a
 * gap (index &gt; 0 while index - 1 is absent) by failing with {@link IllegalArgumentException}:
 * that is not a lost race but a caller appending past the size it read, and a log with a hole
 * could never be hashed into the Merkle tree, so the bug should surface rather than be retried.
 *
 * <p>A batch is stored in that one write operation (all of it or, when the index is taken, none),
 * at most {@value #MAX_BATCH} entries of it: a write operation goes whole into its group's indexed
 * write batch, held in memory until the group is written, and the operations queued behind it wait
 * for it, so an unbounded batch would make one write as large and as slow as the caller liked. The
 * caller appends the rest at the next index, as the contract says.
 */
public final class EmbeddedKeyLogStore implements KeyLogStore {
  /**
   * The most entries one append stores: far more than a node gathers between two appends (key changes
   * are rare), while bounding a write's size (about 100 bytes an entry: some 100 KB).
   */
  static final int MAX_BATCH = 1000;

  private static final byte[] SIGNING_KEY = Keys.text("signing_key");

  private final EmbeddedDatabase db;

  public EmbeddedKeyLogStore(EmbeddedDatabase db) {
    this.db = db;
  }

  @Override
  public Future<Integer> append(long index, List<byte[]> entries) {
    IllegalArgumentException invalid = KeyLogStore.invalidAppend(index, entries);
    if (invalid != null) {
      return Future.failedFuture(invalid);
    }
    List<byte[]> values = new ArrayList<>(Math.min(entries.size(), MAX_BATCH));
    for (byte[] entry : entries.subList(0, Math.min(entries.size(), MAX_BATCH))) {
      values.add(entry.clone());
    }
    return db.write(txn -> {
      if (txn.get(KEY_LOG, Keys.longValue(index)) != null) {
        return 0;
      }
      if (index > 0 && txn.get(KEY_LOG, Keys.longValue(index - 1)) == null) {
        throw new IllegalArgumentException("key log index " + index + " would leave a gap: "
            + (index - 1) + " is absent");
      }
      // index is free and index - 1 is not: as appends leave no gaps, every index after is free too.
      for (int i = 0; i < values.size(); i++) {
        txn.put(KEY_LOG, Keys.longValue(index + i), values.get(i));
      }
      return values.size();
    });
  }

  /** One scan from {@code from}; it stops at {@code max} entries or where the indexes stop following on. */
  @Override
  public Future<List<byte[]>> read(long from, int max) {
    if (from < 0 || max < 0) {
      return Future.failedFuture(new IllegalArgumentException("read(" + from + ", " + max + ")"));
    }
    if (max == 0) {
      return Future.succeededFuture(List.of());
    }
    return db.read(reader -> {
      List<byte[]> entries = new ArrayList<>(Math.min(max, 1024));
      reader.scan(KEY_LOG, Keys.EMPTY, Keys.longValue(from), (key, value) -> {
        if (Keys.longValue(key) != from + entries.size()) {
          return false; // appends leave no gaps, so this is never reached; a hole would end the log
        }
        entries.add(value);
        return entries.size() < max;
      });
      return entries;
    });
  }

  /** The read and the put of a first key run in one write operation, so two callers cannot both put. */
  @Override
  public Future<byte[]> signingKey(byte[] candidate) {
    byte[] value = candidate.clone();
    return db.write(txn -> {
      byte[] stored = txn.get(KEY_LOG_META, SIGNING_KEY);
      if (stored != null) {
        return stored;
      }
      txn.put(KEY_LOG_META, SIGNING_KEY, value);
      return value.clone();
    });
  }
}
