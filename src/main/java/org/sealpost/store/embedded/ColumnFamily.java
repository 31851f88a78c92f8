package org.sealpost.store.embedded;

import java.nio.charset.StandardCharsets;

/**
 * The column families of the embedded database: one key space per kind of record, so each can be
 * scanned and tuned on its own. Adding a constant is all a new store needs: missing column families
 * are created when the database opens.
 */
public enum ColumnFamily {
  /** AccountRecord by number. */
  ACCOUNTS("accounts"),
  /** CodeRecord by caller-chosen key. */
  CODES("codes"),
  /** Envelopes by number, 0x00, device id (4 bytes), seq (8 bytes big-endian). */
  QUEUE("queue"),
  /** The last seq assigned to a device's queue (8 bytes) by number, 0x00, device id. */
  QUEUE_META("queue_meta"),
  /** DedupeRecord by sender, 0x00, destination, 0x00, message id. */
  DEDUPE("dedupe");

  private final String rocksName;

  ColumnFamily(String rocksName) {
    this.rocksName = rocksName;
  }

  /** The name RocksDB stores; never change it for an existing constant. */
  public String rocksName() {
    return rocksName;
  }

  byte[] rocksNameBytes() {
    return rocksName.getBytes(StandardCharsets.UTF_8);
  }
}
