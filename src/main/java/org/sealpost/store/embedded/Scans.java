package org.sealpost.store.embedded;

import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/** The prefix-bounded iteration shared by committed-data reads and write transactions. */
final class Scans {
  private Scans() {}

  static void entries(
      RocksIterator it, byte[] prefix, byte[] from, KeyValueReader.EntryVisitor visitor) {
    checkFrom(prefix, from);
    for (it.seek(from); it.isValid(); it.next()) {
      byte[] key = it.key();
      if (!Keys.startsWith(key, prefix) || !visitor.visit(key, it.value())) {
        return;
      }
    }
    checkStatus(it);
  }

  static void keys(
      RocksIterator it, byte[] prefix, byte[] from, KeyValueReader.KeyVisitor visitor) {
    checkFrom(prefix, from);
    for (it.seek(from); it.isValid(); it.next()) {
      byte[] key = it.key();
      if (!Keys.startsWith(key, prefix) || !visitor.visit(key)) {
        return;
      }
    }
    checkStatus(it);
  }

  private static void checkFrom(byte[] prefix, byte[] from) {
    if (!Keys.startsWith(from, prefix)) {
      throw new IllegalArgumentException("scan start must lie within the prefix");
    }
  }

  /** An iterator that stops being valid may have stopped on an error rather than the end. */
  private static void checkStatus(RocksIterator it) {
    try {
      it.status();
    } catch (RocksDBException e) {
      throw new StorageException("scan failed", e);
    }
  }
}
