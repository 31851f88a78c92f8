package org.sealpost.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.protocol.PreKeyBundle;
import org.sealpost.store.PreKeyStore;
import org.sealpost.store.PreKeyStoreContract;

class EmbeddedPreKeyStoreTest extends PreKeyStoreContract {
  @TempDir Path dir;
  private EmbeddedDatabase db;

  @Override
  protected PreKeyStore newStore(Vertx vertx) {
    db = EmbeddedDatabase.open(vertx, dir);
    return new EmbeddedPreKeyStore(db);
  }

  @AfterEach
  void closeDatabase() {
    db.close();
  }

  @Test
  void keysAndTakesSurviveAReopen(Vertx vertx) {
    await(store.put(DEVICE, complete(IDENTITY_A, 3, 2)));
    take(DEVICE);
    db.close();

    db = EmbeddedDatabase.open(vertx, dir);
    PreKeyStore reopened = new EmbeddedPreKeyStore(db);

    assertThat(await(reopened.count(DEVICE))).isEqualTo(count(2, 1));
    assertThat(await(reopened.identityKey(DEVICE))).contains(IDENTITY_A);
    PreKeyBundle bundle = await(reopened.take(DEVICE)).orElseThrow().bundle();
    assertThat(bundle.getOneTimePreKey().getKeyId()).isEqualTo(2);
    assertThat(bundle.getKyberPreKey().getKeyId()).isEqualTo(2);
    assertThat(await(reopened.take(DEVICE)).orElseThrow().bundle().getKyberPreKey())
        .isEqualTo(signed(LAST_RESORT_ID, "last-resort"));
  }
}
