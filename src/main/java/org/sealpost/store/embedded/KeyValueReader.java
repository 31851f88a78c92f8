package org.sealpost.store.embedded;

/**
 * Read access to the embedded database, either to committed data ({@link EmbeddedDatabase#read}) or
 * to committed data plus the writes of the current group ({@link Txn}). Keys and values are raw
 * bytes; byte arrays handed out are copies the caller owns.
 */
public interface KeyValueReader {

  /** The value under key, or null when there is none. */
  byte[] get(ColumnFamily cf, byte[] key);

  /**
   * Visits, in key order, the entries whose key starts with {@code prefix}, beginning at the first
   * key {@code >= from} ({@code from} must itself start with or equal {@code prefix}), until the
   * visitor returns false or the prefix ends. An empty prefix scans the whole column family.
   */
  void scan(ColumnFamily cf, byte[] prefix, byte[] from, EntryVisitor visitor);

  /** Like {@link #scan} but without reading values: cheaper for counting and deleting. */
  void scanKeys(ColumnFamily cf, byte[] prefix, byte[] from, KeyVisitor visitor);

  /** How many keys start with {@code prefix}: a scan of keys only. */
  default long countKeys(ColumnFamily cf, byte[] prefix) {
    long[] count = {0};
    scanKeys(cf, prefix, prefix, key -> {
      count[0]++;
      return true;
    });
    return count[0];
  }

  /** Visits one entry; returns false to stop the scan. */
  @FunctionalInterface
  interface EntryVisitor {
    boolean visit(byte[] key, byte[] value);
  }

  /** Visits one key; returns false to stop the scan. */
  @FunctionalInterface
  interface KeyVisitor {
    boolean visit(byte[] key);
  }
}
