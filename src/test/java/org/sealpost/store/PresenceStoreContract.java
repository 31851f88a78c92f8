package org.sealpost.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;
import static org.sealpost.store.Awaits.awaitFailure;
import static org.sealpost.store.Awaits.inParallel;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sealpost.api.DeviceKey;
import org.sealpost.store.PresenceStore.PresenceState;

/** What every {@link PresenceStore} must do; a backend's test extends this. */
@ExtendWith(VertxExtension.class)
public abstract class PresenceStoreContract {
  protected static final String ALICE = "+15550001111";
  protected static final DeviceKey PHONE = new DeviceKey(ALICE, 1);
  protected static final DeviceKey LAPTOP = new DeviceKey(ALICE, 2);
  protected static final DeviceKey WATCHER = new DeviceKey("+15550002222", 1);
  protected static final DeviceKey OTHER_WATCHER = new DeviceKey("+15550003333", 4);

  protected PresenceStore store;

  /** A new, empty store. The subclass releases what it opened. */
  protected abstract PresenceStore newStore(Vertx vertx) throws Exception;

  @BeforeEach
  void createStore(Vertx vertx) throws Exception {
    store = newStore(vertx);
  }

  @Test
  void neverSeenIsOfflineWithoutLastSeen() {
    assertThat(await(store.get(ALICE))).isEqualTo(new PresenceState(false, 0));
  }

  @Test
  void onlineWhileAnyDeviceIsConnectedThenLastSeen() {
    assertThat(await(store.connected(PHONE))).isEqualTo(1);
    assertThat(await(store.connected(LAPTOP))).isEqualTo(2);
    assertThat(await(store.connected(PHONE))).as("a device counts once").isEqualTo(2);
    assertThat(await(store.get(ALICE)).online()).isTrue();

    assertThat(await(store.disconnected(PHONE, 1_000))).isEqualTo(1);
    assertThat(await(store.get(ALICE)).online()).isTrue();
    assertThat(await(store.disconnected(LAPTOP, 2_000))).isZero();
    assertThat(await(store.get(ALICE))).isEqualTo(new PresenceState(false, 2_000));

    assertThat(await(store.connected(PHONE))).isEqualTo(1);
    assertThat(await(store.get(ALICE))).isEqualTo(new PresenceState(true, 2_000));
  }

  /** Two devices leaving at once may be recorded in either order; last seen is the later leave. */
  @Test
  void lastSeenIsTheLatestLeaveWhateverTheOrderTheyArrive() {
    await(store.connected(PHONE));
    await(store.connected(LAPTOP));

    assertThat(await(store.disconnected(LAPTOP, 2_000))).isEqualTo(1);
    assertThat(await(store.disconnected(PHONE, 1_000))).isZero();

    assertThat(await(store.get(ALICE))).isEqualTo(new PresenceState(false, 2_000));
  }

  @Test
  void concurrentConnectsAndDisconnectsKeepTheCount() {
    List<Integer> counts = inParallel(4, i -> store.connected(new DeviceKey(ALICE, i + 1)));
    assertThat(counts).containsExactlyInAnyOrder(1, 2, 3, 4);
    List<Integer> left = inParallel(4, i -> store.disconnected(new DeviceKey(ALICE, i + 1), 5_000));
    assertThat(left).containsExactlyInAnyOrder(0, 1, 2, 3);
    assertThat(await(store.get(ALICE))).isEqualTo(new PresenceState(false, 5_000));
  }

  @Test
  void subscriptionsAreKeptPerSubscriberDevice() {
    await(store.subscribe(WATCHER, List.of(ALICE, "+15550004444")));
    await(store.subscribe(OTHER_WATCHER, List.of(ALICE)));
    await(store.subscribe(WATCHER, List.of(ALICE)));
    assertThat(await(store.subscribers(ALICE))).containsExactlyInAnyOrder(WATCHER, OTHER_WATCHER);
    assertThat(await(store.subscribers("+15550004444"))).containsExactly(WATCHER);

    await(store.unsubscribe(OTHER_WATCHER, List.of(ALICE)));
    assertThat(await(store.subscribers(ALICE))).containsExactly(WATCHER);

    await(store.unsubscribeAll(WATCHER));
    assertThat(await(store.subscribers(ALICE))).isEmpty();
    assertThat(await(store.subscribers("+15550004444"))).isEmpty();
    await(store.unsubscribeAll(WATCHER));
  }

  protected static final String BOB = "+15550004444";

  /**
   * Alice online on one device with a last seen from the other, watched by two devices, and her
   * devices watching others; plus a subscription to Bob that must survive her deletion.
   */
  protected void aliceWithPresenceAndSubscriptions() {
    await(store.connected(PHONE));
    await(store.connected(LAPTOP));
    await(store.disconnected(LAPTOP, 2_000));
    await(store.subscribe(WATCHER, List.of(ALICE, BOB)));
    await(store.subscribe(OTHER_WATCHER, List.of(ALICE)));
    await(store.subscribe(PHONE, List.of(WATCHER.number(), BOB)));
    await(store.subscribe(LAPTOP, List.of(OTHER_WATCHER.number())));
  }

  @Test
  void forgetDropsTheAccountsPresenceAndEverySubscriptionToOrOfIt() {
    aliceWithPresenceAndSubscriptions();
    assertThat(await(store.get(ALICE))).isEqualTo(new PresenceState(true, 2_000));
    assertThat(await(store.subscribers(BOB))).containsExactlyInAnyOrder(WATCHER, PHONE);

    await(store.forget(ALICE, List.of(PHONE, LAPTOP)));

    assertThat(await(store.get(ALICE))).isEqualTo(new PresenceState(false, 0));
    assertThat(await(store.subscribers(ALICE))).isEmpty();
    assertThat(await(store.subscribers(WATCHER.number()))).isEmpty();
    assertThat(await(store.subscribers(OTHER_WATCHER.number()))).isEmpty();
    assertThat(await(store.subscribers(BOB))).as("others' subscriptions to others stay").containsExactly(WATCHER);
  }

  @Test
  void forgetTwiceOrOfAnUnknownAccountChangesNothingElse() {
    await(store.connected(WATCHER));
    await(store.subscribe(WATCHER, List.of(BOB)));

    await(store.forget(ALICE, List.of(PHONE)));
    aliceWithPresenceAndSubscriptions();
    await(store.forget(ALICE, List.of(PHONE, LAPTOP)));
    await(store.forget(ALICE, List.of(PHONE, LAPTOP)));

    assertThat(await(store.get(ALICE))).isEqualTo(new PresenceState(false, 0));
    assertThat(await(store.get(WATCHER.number())).online()).isTrue();
    assertThat(await(store.subscribers(BOB))).containsExactly(WATCHER);
  }

  @Test
  void forgetRefusesADeviceOfAnotherAccount() {
    await(store.subscribe(WATCHER, List.of(BOB)));
    assertThat(awaitFailure(store.forget(ALICE, List.of(PHONE, WATCHER)))).isInstanceOf(IllegalArgumentException.class);
    assertThat(await(store.subscribers(BOB))).containsExactly(WATCHER);
  }
}
