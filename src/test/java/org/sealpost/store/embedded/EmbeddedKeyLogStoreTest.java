package org.sealpost.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;
import static org.sealpost.store.Awaits.awaitFailure;

import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.store.KeyLogStore;
import org.sealpost.store.KeyLogStoreContract;

class EmbeddedKeyLogStoreTest extends KeyLogStoreContract {
  @TempDir Path dir;
  private EmbeddedDatabase db;

  @Override
  protected KeyLogStore newStore(Vertx vertx) {
    db = EmbeddedDatabase.open(vertx, dir);
    return new EmbeddedKeyLogStore(db);
  }

  @AfterEach
  void closeDatabase() {
    db.close();
  }

  @Test
  void entriesAndTheSigningKeySurviveAReopen(Vertx vertx) {
    appendEntries(3);
    byte[] key = "key".getBytes(StandardCharsets.UTF_8);
    await(store.signingKey(key));
    db.close();
    db = EmbeddedDatabase.open(vertx, dir);
    KeyLogStore reopened = new EmbeddedKeyLogStore(db);

    assertThat(await(reopened.read(0, 10))).containsExactlyElementsOf(entries(0, 3));
    assertThat(await(reopened.signingKey("other".getBytes(StandardCharsets.UTF_8)))).isEqualTo(key);
    assertThat(await(reopened.append(3, entry(3)))).isTrue();
  }

  @Test
  void anAppendThatWouldLeaveAGapFails() {
    assertThat(awaitFailure(store.append(1, entry(1)))).isInstanceOf(IllegalArgumentException.class);
    appendEntries(2);
    assertThat(awaitFailure(store.append(3, entry(3)))).isInstanceOf(IllegalArgumentException.class);
    assertThat(awaitFailure(store.append(-1, entry(0)))).isInstanceOf(IllegalArgumentException.class);

    assertThat(await(store.read(0, 10))).containsExactlyElementsOf(entries(0, 2));
    assertThat(await(store.append(2, entry(2)))).isTrue();
  }
}
