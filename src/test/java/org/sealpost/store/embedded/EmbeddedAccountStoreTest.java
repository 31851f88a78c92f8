package org.sealpost.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;
import static org.sealpost.store.Awaits.awaitFailure;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.store.AccountStore;
import org.sealpost.store.AccountStoreContract;
import org.sealpost.store.proto.AccountRecord;
import org.sealpost.store.proto.DeviceRecord;

class EmbeddedAccountStoreTest extends AccountStoreContract {
  @TempDir Path dir;
  private EmbeddedDatabase db;

  @Override
  protected AccountStore newStore(Vertx vertx) {
    db = EmbeddedDatabase.open(vertx, dir);
    return new EmbeddedAccountStore(db);
  }

  @AfterEach
  void closeDatabase() {
    db.close();
  }

  @Test
  void accountsSurviveAReopen(Vertx vertx) {
    await(store.create(account(NUMBER, 1_000)));
    DeviceRecord laptop = await(store.addDevice(NUMBER, device("laptop"), 5));
    AccountRecord before = await(store.get(NUMBER)).orElseThrow();
    db.close();

    db = EmbeddedDatabase.open(vertx, dir);
    AccountStore reopened = new EmbeddedAccountStore(db);
    assertThat(await(reopened.get(NUMBER))).contains(before);
    assertThat(await(reopened.removeDevice(NUMBER, laptop.getId()))).isTrue();
    assertThat(await(reopened.addDevice(NUMBER, device("tablet"), 5)).getId()).isEqualTo(3);
  }

  @Test
  void aRecordWithoutNextDeviceIdStillGetsUnusedIds() {
    AccountRecord legacy =
        account(NUMBER, 1_000).toBuilder()
            .addDevices(device("old").toBuilder().setId(4))
            .setNextDeviceId(0)
            .build();
    await(store.create(legacy));
    assertThat(await(store.addDevice(NUMBER, device("new"), 5)).getId()).isEqualTo(5);
  }

  @Test
  void aNumberThatWouldBreakTheKeyEncodingFailsTheFuture() {
    assertThat(awaitFailure(store.get("+1\u00005"))).isInstanceOf(IllegalArgumentException.class);
  }
}
