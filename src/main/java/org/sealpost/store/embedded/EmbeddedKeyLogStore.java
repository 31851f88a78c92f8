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
 * storing the entry cannot be split by another writer.
 *
 * <p>Besides refusing a taken index (false), {@link #append} refuses an index that would leave a
 * gap (index &gt; 0 while index - 1 is absent) by failing with {@link IllegalArgumentException}:
 * that is not a lost race but a caller appending past the size it read, and a log with a hole
 * could never be hashed into the Merkle tree, so the bug should surface rather than be retried.
 */
public final class EmbeddedKeyLogStore implements KeyLogStore {
  private static final byte[] SIGNING_KEY = Keys.text("signing_key");

  private final EmbeddedDatabase db;

  public EmbeddedKeyLogStore(EmbeddedDatabase db) {
    this.db = db;
  }

  @Override
  public Future<Boolean> append(long index, byte[] entry) {
    if (index < 0) {
      return Future.failedFuture(new IllegalArgumentException("negative key log index " + index));
    }
    byte[] value = entry.clone();
    return db.write(txn -> {
      if (txn.get(KEY_LOG, Keys.longValue(index)) != null) {
        return false;
      }
      if (index > 0 && txn.get(KEY_LOG, Keys.longValue(index - 1)) == null) {
        throw new IllegalArgumentException("key log index " + index + " would leave a gap: "
            + (index - 1) + " is absent");
      }
      txn.put(KEY_LOG, Keys.longValue(index), value);
      return true;
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
