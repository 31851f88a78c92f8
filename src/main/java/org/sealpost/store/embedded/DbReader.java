package org.sealpost.store.embedded;

import java.util.Map;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;

/**
 * Reads committed data at one snapshot, so that a read function calling get and scan several times
 * sees one consistent state even while the writer commits.
 */
final class DbReader implements KeyValueReader, AutoCloseable {
  private final RocksDB db;
  private final Map<ColumnFamily, ColumnFamilyHandle> handles;
  private final Snapshot snapshot;
  private final ReadOptions options;

  DbReader(RocksDB db, Map<ColumnFamily, ColumnFamilyHandle> handles) {
    this.db = db;
    this.handles = handles;
    this.snapshot = db.getSnapshot();
    this.options = new ReadOptions().setSnapshot(snapshot);
  }

  @Override
  public byte[] get(ColumnFamily cf, byte[] key) {
    try {
      return db.get(handles.get(cf), options, key);
    } catch (RocksDBException e) {
      throw new StorageException("read from " + cf.rocksName() + " failed", e);
    }
  }

  @Override
  public void scan(ColumnFamily cf, byte[] prefix, byte[] from, EntryVisitor visitor) {
    try (Bounded bounded = new Bounded(prefix);
        RocksIterator it = db.newIterator(handles.get(cf), bounded.options)) {
      Scans.entries(it, prefix, from, visitor);
    }
  }

  @Override
  public void scanKeys(ColumnFamily cf, byte[] prefix, byte[] from, KeyVisitor visitor) {
    try (Bounded bounded = new Bounded(prefix);
        RocksIterator it = db.newIterator(handles.get(cf), bounded.options)) {
      Scans.keys(it, prefix, from, visitor);
    }
  }

  /**
   * Read options for one scan, bounded above by the end of the prefix: without the bound, an
   * iterator that reaches the prefix's last live key goes on skipping the deleted keys past it
   * (the next device's acked envelopes) before it can say there is nothing more.
   */
  private final class Bounded implements AutoCloseable {
    final ReadOptions options;
    private final Slice upper;

    Bounded(byte[] prefix) {
      byte[] end = Keys.prefixEnd(prefix);
      this.upper = end == null ? null : new Slice(end);
      this.options = new ReadOptions().setSnapshot(snapshot);
      if (upper != null) {
        options.setIterateUpperBound(upper);
      }
    }

    @Override
    public void close() {
      options.close();
      if (upper != null) {
        upper.close();
      }
    }
  }

  @Override
  public void close() {
    options.close();
    db.releaseSnapshot(snapshot);
  }
}
