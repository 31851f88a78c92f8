package org.sealpost.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.store.CodeStore;
import org.sealpost.store.CodeStore.CodeCheck;
import org.sealpost.store.CodeStoreContract;

class EmbeddedCodeStoreTest extends CodeStoreContract {
  @TempDir Path dir;
  private EmbeddedDatabase db;

  @Override
  protected CodeStore newStore(Vertx vertx) {
    db = EmbeddedDatabase.open(vertx, dir);
    return new EmbeddedCodeStore(db);
  }

  @AfterEach
  void closeDatabase() {
    db.close();
  }

  @Test
  void codesAndAttemptsSurviveAReopen(Vertx vertx) {
    await(store.put(KEY, code("123456", EXPIRES)));
    assertThat(await(store.check(KEY, "000000", NOW, 2))).isEqualTo(CodeCheck.WRONG);
    db.close();

    db = EmbeddedDatabase.open(vertx, dir);
    CodeStore reopened = new EmbeddedCodeStore(db);
    assertThat(await(reopened.get(KEY)).orElseThrow().getAttempts()).isEqualTo(1);
    assertThat(await(reopened.check(KEY, "000000", NOW, 2))).isEqualTo(CodeCheck.WRONG);
    assertThat(await(reopened.check(KEY, "123456", NOW, 2))).isEqualTo(CodeCheck.ABSENT);
  }
}
