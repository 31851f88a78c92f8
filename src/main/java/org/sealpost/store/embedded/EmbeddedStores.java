package org.sealpost.store.embedded;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import org.sealpost.store.Stores;

/**
 * The stores of a single node that needs no external service: accounts, codes, queues and prekeys
 * (and privacy settings, contacts, blocks, groups, push tokens and the key log) in an embedded
 * RocksDB database, rate limits, sessions and presence in memory (they only matter while this
 * process runs).
 */
public final class EmbeddedStores {
  /** The database's directory inside the data directory, which other components may share. */
  public static final String DATABASE_DIRECTORY = "rocksdb";

  private EmbeddedStores() {}

  /**
   * Opens (creating if needed) the database in {@code dataDir/rocksdb}, refusing writes while less
   * than {@code minFreeDiskBytes} are free there. Blocks while RocksDB opens: call it from a worker
   * or before the event loops start.
   */
  public static Stores open(Vertx vertx, Path dataDir, Clock clock, long minFreeDiskBytes) {
    EmbeddedDatabase db = EmbeddedDatabase.open(vertx, dataDir.resolve(DATABASE_DIRECTORY),
        Math.max(4, Runtime.getRuntime().availableProcessors()), minFreeDiskBytes);
    return new Stores(
        new EmbeddedAccountStore(db),
        new EmbeddedCodeStore(db),
        new EmbeddedMessageQueueStore(db),
        new EmbeddedPreKeyStore(db),
        new InMemoryRateLimitStore(clock),
        new InMemorySessionDirectory(),
        new EmbeddedPrivacyStore(db),
        new InMemoryPresenceStore(),
        new EmbeddedGroupStore(db),
        new EmbeddedPushTokenStore(db),
        new EmbeddedKeyLogStore(db),
        db);
  }
}
