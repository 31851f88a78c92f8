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
  DEDUPE("dedupe"),
  /** DeviceKeysRecord (identity, signed and last-resort keys) by number, 0x00, device id. */
  PREKEYS("prekeys"),
  /** One-time EC PreKeys by number, 0x00, device id (4 bytes), key id (4 bytes big-endian). */
  ONE_TIME_EC_PREKEYS("prekeys_ec"),
  /** One-time Kyber SignedPreKeys by number, 0x00, device id (4 bytes), key id (4 bytes). */
  ONE_TIME_KYBER_PREKEYS("prekeys_kyber"),
  /** PrivacySettings by number. */
  PRIVACY("privacy"),
  /** ContactsRecord (the uploaded contact list) by owner number. */
  CONTACTS("contacts"),
  /** Block entries (empty values) by blocker, 0x00, blocked number. */
  BLOCKS("blocks"),
  /** sealpost.v1.Group records by group id. */
  GROUPS("groups"),
  /** sealpost.v1.PushToken by number, 0x00, device id (4 bytes). */
  PUSH_TOKENS("push_tokens"),
  /** Account deletions begun and not ended: AccountRecord (deletion_started set) by number. */
  DELETIONS("deletions"),
  /**
   * The key log's entries, exactly as appended, by index (8 bytes big-endian, so key order is log
   * order and a read from an index is one scan).
   */
  KEY_LOG("key_log"),
  /** The key log's single values by name (UTF-8), such as its signing key ("signing_key"). */
  KEY_LOG_META("key_log_meta");

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
