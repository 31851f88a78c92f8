package org.sealpost.store.cached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.protocol.PrivacySettings;
import org.sealpost.store.PrivacyStore;
import org.sealpost.store.PrivacyStoreContract;
import org.sealpost.store.embedded.EmbeddedDatabase;
import org.sealpost.store.embedded.EmbeddedPrivacyStore;
import org.sealpost.testing.Await;

/**
 * The cached privacy store keeps the privacy store's contract, and a block or a settings change
 * made through another node takes effect here (a blocked sender must not get through on a copy).
 */
class CachedPrivacyStoreTest extends PrivacyStoreContract {
  @TempDir Path dir;
  private EmbeddedDatabase db;
  private PrivacyStore shared;

  @Override
  protected PrivacyStore newStore(Vertx vertx) {
    db = EmbeddedDatabase.open(vertx, dir);
    shared = new EmbeddedPrivacyStore(db);
    return node(vertx, shared);
  }

  @AfterEach
  void closeDatabase() {
    db.close();
  }

  private static PrivacyStore node(Vertx vertx, PrivacyStore store) {
    Invalidations invalidations = new Invalidations(vertx);
    await(invalidations.start());
    long ttl = Duration.ofMinutes(10).toNanos();
    return new CachedPrivacyStore(store, new NodeCache<>(1000, ttl, System::nanoTime),
        new NodeCache<>(1000, ttl, System::nanoTime), invalidations);
  }

  @Test
  void aBlockAndASettingMadeThroughAnotherNodeHoldHere(Vertx vertx) throws Exception {
    PrivacyStore other = node(vertx, shared);
    assertThat(await(store.isBlocked(ALICE, BOB))).isFalse(); // copies here now
    assertThat(await(store.settings(ALICE))).isEmpty();

    await(other.block(ALICE, BOB));
    PrivacySettings off = PrivacySettings.newBuilder().setReadReceiptsOff(true).build();
    await(other.putSettings(ALICE, off));

    Await.until("the other node's writes dropped this node's copies", Duration.ofSeconds(5),
        () -> await(store.isBlocked(ALICE, BOB)) && await(store.settings(ALICE)).isPresent());
    assertThat(await(store.settings(ALICE))).contains(off);
  }
}
