package org.sealpost.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.protocol.PrivacySettings;
import org.sealpost.protocol.Visibility;
import org.sealpost.store.PrivacyStore;
import org.sealpost.store.PrivacyStoreContract;

class EmbeddedPrivacyStoreTest extends PrivacyStoreContract {
  @TempDir Path dir;
  private EmbeddedDatabase db;

  @Override
  protected PrivacyStore newStore(Vertx vertx) {
    db = EmbeddedDatabase.open(vertx, dir);
    return new EmbeddedPrivacyStore(db);
  }

  @AfterEach
  void closeDatabase() {
    db.close();
  }

  @Test
  void everythingSurvivesAReopen(Vertx vertx) {
    PrivacySettings settings = PrivacySettings.newBuilder().setLastSeen(Visibility.CONTACTS).build();
    await(store.putSettings(ALICE, settings));
    await(store.replaceContacts(ALICE, List.of(BOB)));
    await(store.block(ALICE, CAROL));
    db.close();

    db = EmbeddedDatabase.open(vertx, dir);
    PrivacyStore reopened = new EmbeddedPrivacyStore(db);
    assertThat(await(reopened.settings(ALICE))).contains(settings);
    assertThat(await(reopened.contacts(ALICE))).containsExactly(BOB);
    assertThat(await(reopened.isBlocked(ALICE, CAROL))).isTrue();
  }
}
