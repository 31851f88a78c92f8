package org.sealpost.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sealpost.api.DeviceKey;
import org.sealpost.protocol.PushToken;
import org.sealpost.protocol.PushType;

/** What every {@link PushTokenStore} must do; a backend's test extends this. */
@ExtendWith(VertxExtension.class)
public abstract class PushTokenStoreContract {
  protected static final DeviceKey ALICE_1 = new DeviceKey("+15550001111", 1);
  protected static final DeviceKey ALICE_2 = new DeviceKey("+15550001111", 2);
  protected static final PushToken APNS = PushToken.newBuilder().setType(PushType.APNS).setToken("a1b2c3")
      .setTopic("org.example.app").build();
  protected static final PushToken WEBHOOK = PushToken.newBuilder().setType(PushType.WEBHOOK)
      .setUrl("https://push.example.com/up/xyz").build();

  protected PushTokenStore store;

  /** A new, empty store. The subclass releases what it opened. */
  protected abstract PushTokenStore newStore(Vertx vertx) throws Exception;

  @BeforeEach
  void createStore(Vertx vertx) throws Exception {
    store = newStore(vertx);
  }

  @Test
  void aTokenIsPerDeviceAndTheLastRegistrationWins() {
    assertThat(await(store.get(ALICE_1))).isEmpty();
    await(store.put(ALICE_1, APNS));
    assertThat(await(store.get(ALICE_1))).contains(APNS);
    assertThat(await(store.get(ALICE_2))).isEmpty();
    await(store.put(ALICE_1, WEBHOOK));
    assertThat(await(store.get(ALICE_1))).contains(WEBHOOK);
  }

  @Test
  void removeIsIdempotent() {
    await(store.put(ALICE_1, APNS));
    await(store.put(ALICE_2, WEBHOOK));
    await(store.remove(ALICE_1));
    await(store.remove(ALICE_1));
    assertThat(await(store.get(ALICE_1))).isEmpty();
    assertThat(await(store.get(ALICE_2))).contains(WEBHOOK);
  }

  @Test
  void aDeadTokenIsRemovedOnlyWhileItIsStillTheDevicesToken() {
    await(store.put(ALICE_1, APNS));
    await(store.put(ALICE_1, WEBHOOK));
    assertThat(await(store.removeIfCurrent(ALICE_1, APNS))).isFalse();
    assertThat(await(store.get(ALICE_1))).contains(WEBHOOK);
    assertThat(await(store.removeIfCurrent(ALICE_1, WEBHOOK))).isTrue();
    assertThat(await(store.get(ALICE_1))).isEmpty();
    assertThat(await(store.removeIfCurrent(ALICE_1, WEBHOOK))).isFalse();
  }
}
