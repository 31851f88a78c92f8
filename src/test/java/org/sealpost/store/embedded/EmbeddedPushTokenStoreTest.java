package org.sealpost.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.store.PushTokenStore;
import org.sealpost.store.PushTokenStoreContract;

class EmbeddedPushTokenStoreTest extends PushTokenStoreContract {
  @TempDir Path dir;
  private EmbeddedDatabase db;

  @Override
  protected PushTokenStore newStore(Vertx vertx) {
    db = EmbeddedDatabase.open(vertx, dir);
    return new EmbeddedPushTokenStore(db);
  }

  @AfterEach
  void closeDatabase() {
    db.close();
  }

  @Test
  void tokensSurviveAReopen(Vertx vertx) {
    await(store.put(ALICE_1, APNS));
    db.close();
    db = EmbeddedDatabase.open(vertx, dir);
    assertThat(await(new EmbeddedPushTokenStore(db).get(ALICE_1))).contains(APNS);
  }
}
