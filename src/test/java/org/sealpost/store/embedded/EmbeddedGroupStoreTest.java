package org.sealpost.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.protocol.Group;
import org.sealpost.store.GroupStore;
import org.sealpost.store.GroupStoreContract;

class EmbeddedGroupStoreTest extends GroupStoreContract {
  @TempDir Path dir;
  private EmbeddedDatabase db;

  @Override
  protected GroupStore newStore(Vertx vertx) {
    db = EmbeddedDatabase.open(vertx, dir);
    return new EmbeddedGroupStore(db);
  }

  @AfterEach
  void closeDatabase() {
    db.close();
  }

  @Test
  void groupsSurviveAReopen(Vertx vertx) {
    await(store.create(group(ID, "+15550000001")));
    Group changed = await(store.update(ID, current -> withMember(current, "+15550000002")));
    db.close();

    db = EmbeddedDatabase.open(vertx, dir);
    assertThat(await(new EmbeddedGroupStore(db).get(ID))).contains(changed);
  }
}
