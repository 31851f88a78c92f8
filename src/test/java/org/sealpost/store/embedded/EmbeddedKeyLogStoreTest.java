package org.sealpost.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;
import static org.sealpost.store.Awaits.awaitFailure;

import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
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
    assertThat(await(reopened.append(3, List.of(entry(3))))).isEqualTo(1);
  }

  @Test
  void anAppendThatWouldLeaveAGapFails() {
    assertThat(awaitFailure(store.append(1, List.of(entry(1))))).isInstanceOf(IllegalArgumentException.class);
    appendEntries(2);
    assertThat(awaitFailure(store.append(3, entries(3, 6)))).isInstanceOf(IllegalArgumentException.class);
    assertThat(awaitFailure(store.append(-1, List.of(entry(0))))).isInstanceOf(IllegalArgumentException.class);
    assertThat(awaitFailure(store.append(2, List.of()))).isInstanceOf(IllegalArgumentException.class);

    assertThat(await(store.read(0, 10))).containsExactlyElementsOf(entries(0, 2));
    assertThat(await(store.append(2, List.of(entry(2))))).isEqualTo(1);
  }

  @Test
  void aBatchIsStoredWholeInOneWrite() {
    assertThat(await(store.append(0, entries(0, 10)))).isEqualTo(10);
    assertThat(await(store.read(0, 100))).containsExactlyElementsOf(entries(0, 10));
  }

  @Test
  void aBatchPastTheCapStoresTheCapAndTheRestFollows() {
    int total = 2 * EmbeddedKeyLogStore.MAX_BATCH + 500;

    assertThat(appendAll(0, entries(0, total)))
        .containsExactly(EmbeddedKeyLogStore.MAX_BATCH, EmbeddedKeyLogStore.MAX_BATCH, 500);
    assertThat(await(store.read(0, total + 10))).containsExactlyElementsOf(entries(0, total));
  }

  @Test
  void theStoreKeepsItsOwnCopyOfABatch() {
    byte[] mutable = entry(0);
    assertThat(await(store.append(0, List.of(mutable)))).isEqualTo(1);
    mutable[3] = 'X';
    assertThat(await(store.read(0, 10))).containsExactly(entry(0));
  }
}
