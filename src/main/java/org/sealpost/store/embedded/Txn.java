package org.sealpost.store.embedded;

import java.util.Map;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatchWithIndex;

/**
 * What a write operation of {@link EmbeddedDatabase#write} works with: reads see committed data
 * plus every write made so far in the current group commit (earlier operations of the group and
 * this one), and writes go to the group's batch. Because one thread runs all operations one after
 * another, a read-modify-write through a Txn is serializable.
 *
 * <p>Valid only while its operation runs; never keep it or hand it to another thread. There is
 * deliberately no range delete: a write batch with index cannot index range deletions, so the reads
 * of later operations in the group would not see them. Delete by scanning keys instead.
 */
public final class Txn implements KeyValueReader {
  private final RocksDB db;
  private final Map<ColumnFamily, ColumnFamilyHandle> handles;
  private final WriteBatchWithIndex batch;
  private final ReadOptions readOptions;

  Txn(
      RocksDB db,
      Map<ColumnFamily, ColumnFamilyHandle> handles,
      WriteBatchWithIndex batch,
      ReadOptions readOptions) {
    this.db = db;
    this.handles = handles;
    this.batch = batch;
    this.readOptions = readOptions;
  }

  @Override
  public byte[] get(ColumnFamily cf, byte[] key) {
    try {
      return batch.getFromBatchAndDB(db, handles.get(cf), readOptions, key);
    } catch (RocksDBException e) {
      throw new StorageException("read from " + cf.rocksName() + " failed", e);
    }
  }

  public void put(ColumnFamily cf, byte[] key, byte[] value) {
    try {
      batch.put(handles.get(cf), key, value);
    } catch (RocksDBException e) {
      throw new StorageException("put into " + cf.rocksName() + " failed", e);
    }
  }

  public void delete(ColumnFamily cf, byte[] key) {
    try {
      batch.delete(handles.get(cf), key);
    } catch (RocksDBException e) {
      throw new StorageException("delete from " + cf.rocksName() + " failed", e);
    }
  }

  @Override
  public void scan(ColumnFamily cf, byte[] prefix, byte[] from, EntryVisitor visitor) {
    try (RocksIterator it = iterator(cf)) {
      Scans.entries(it, prefix, from, visitor);
    }
  }

  @Override
  public void scanKeys(ColumnFamily cf, byte[] prefix, byte[] from, KeyVisitor visitor) {
    try (RocksIterator it = iterator(cf)) {
      Scans.keys(it, prefix, from, visitor);
    }
  }

  /** Merges the batch over the database; the returned iterator owns the base iterator. */
  private RocksIterator iterator(ColumnFamily cf) {
    ColumnFamilyHandle handle = handles.get(cf);
    return batch.newIteratorWithBase(handle, db.newIterator(handle, readOptions), readOptions);
  }
}
