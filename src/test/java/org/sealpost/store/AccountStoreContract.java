package org.sealpost.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;
import static org.sealpost.store.Awaits.awaitFailure;
import static org.sealpost.store.Awaits.inParallel;

import com.google.protobuf.ByteString;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sealpost.errors.ErrorCode;
import org.sealpost.errors.SealpostException;
import org.sealpost.store.proto.AccountRecord;
import org.sealpost.store.proto.DeviceRecord;

/** What every {@link AccountStore} must do; a backend's test extends this. */
@ExtendWith(VertxExtension.class)
public abstract class AccountStoreContract {
  protected static final String NUMBER = "+15550001111";

  protected AccountStore store;

  /** A new, empty store. The subclass releases what it opened (e.g. in an @AfterEach). */
  protected abstract AccountStore newStore(Vertx vertx) throws Exception;

  @BeforeEach
  void createStore(Vertx vertx) throws Exception {
    store = newStore(vertx);
  }

  protected static AccountRecord account(String number, long created) {
    return AccountRecord.newBuilder()
        .setNumber(number)
        .setCreated(created)
        .addDevices(device("primary").toBuilder().setId(1))
        .build();
  }

  protected static DeviceRecord device(String name) {
    return DeviceRecord.newBuilder()
        .setName(name)
        .setRegistrationId(42)
        .setPasswordSalt(ByteString.copyFromUtf8("salt"))
        .setPasswordHash(ByteString.copyFromUtf8("hash"))
        .setCreated(1_000)
        .build();
  }

  private static ErrorCode codeOf(Throwable failure) {
    assertThat(failure).isInstanceOf(SealpostException.class);
    return ((SealpostException) failure).code();
  }

  @Test
  void missingAccountIsEmpty() {
    assertThat(await(store.get(NUMBER))).isEmpty();
  }

  @Test
  void createThenGetRoundTrips() {
    AccountRecord account = account(NUMBER, 1_000);
    assertThat(await(store.create(account))).isEmpty();
    assertThat(await(store.get(NUMBER))).contains(account);
    assertThat(await(store.get("+15550002222"))).isEmpty();
  }

  @Test
  void getAllReturnsTheAccountsThatExist() {
    AccountRecord first = account(NUMBER, 1_000);
    AccountRecord second = account("+15550003333", 2_000);
    await(store.create(first));
    await(store.create(second));

    assertThat(await(store.getAll(List.of(NUMBER, "+15550002222", "+15550003333"))))
        .containsExactlyInAnyOrder(first, second);
    assertThat(await(store.getAll(List.of()))).isEmpty();
  }

  @Test
  void reRegistrationReturnsTheReplacedAccount() {
    AccountRecord first = account(NUMBER, 1_000);
    AccountRecord second = account(NUMBER, 2_000);
    await(store.create(first));
    await(store.addDevice(NUMBER, device("laptop"), 5));
    Optional<AccountRecord> replaced = await(store.create(second));
    assertThat(replaced).isPresent();
    assertThat(replaced.get().getCreated()).isEqualTo(1_000);
    assertThat(replaced.get().getDevicesList())
        .extracting(DeviceRecord::getId)
        .containsExactly(1, 2);
    assertThat(await(store.get(NUMBER))).contains(second);
  }

  @Test
  void addDeviceAssignsIdsFromTwo() {
    await(store.create(account(NUMBER, 1_000)));
    DeviceRecord laptop = await(store.addDevice(NUMBER, device("laptop"), 5));
    DeviceRecord tablet = await(store.addDevice(NUMBER, device("tablet"), 5));
    assertThat(laptop.getId()).isEqualTo(2);
    assertThat(laptop.getName()).isEqualTo("laptop");
    assertThat(tablet.getId()).isEqualTo(3);
    AccountRecord stored = await(store.get(NUMBER)).orElseThrow();
    assertThat(stored.getDevicesList()).containsExactly(stored.getDevices(0), laptop, tablet);
    assertThat(stored.getNextDeviceId()).isEqualTo(4);
  }

  @Test
  void addDeviceRefusesAtTheLimit() {
    await(store.create(account(NUMBER, 1_000)));
    await(store.addDevice(NUMBER, device("laptop"), 3));
    await(store.addDevice(NUMBER, device("tablet"), 3));
    Throwable failure = awaitFailure(store.addDevice(NUMBER, device("phone"), 3));
    assertThat(codeOf(failure)).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(await(store.get(NUMBER)).orElseThrow().getDevicesCount()).isEqualTo(3);
  }

  @Test
  void addDeviceToMissingAccountIsNotFound() {
    Throwable failure = awaitFailure(store.addDevice(NUMBER, device("laptop"), 3));
    assertThat(codeOf(failure)).isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  void deviceIdsAreNeverReused() {
    await(store.create(account(NUMBER, 1_000)));
    DeviceRecord laptop = await(store.addDevice(NUMBER, device("laptop"), 2));
    assertThat(await(store.removeDevice(NUMBER, laptop.getId()))).isTrue();
    DeviceRecord again = await(store.addDevice(NUMBER, device("laptop"), 2));
    assertThat(again.getId()).isEqualTo(laptop.getId() + 1);
    assertThat(await(store.get(NUMBER)).orElseThrow().getDevicesList())
        .extracting(DeviceRecord::getId)
        .containsExactly(1, again.getId());
  }

  @Test
  void removeDeviceReportsWhetherItWasThere() {
    await(store.create(account(NUMBER, 1_000)));
    assertThat(await(store.removeDevice(NUMBER, 7))).isFalse();
    assertThat(await(store.removeDevice("+15550009999", 1))).isFalse();
    DeviceRecord laptop = await(store.addDevice(NUMBER, device("laptop"), 5));
    assertThat(await(store.removeDevice(NUMBER, laptop.getId()))).isTrue();
    assertThat(await(store.removeDevice(NUMBER, laptop.getId()))).isFalse();
  }

  @Test
  void concurrentAddDevicesRespectTheLimitAndGetDistinctIds() {
    await(store.create(account(NUMBER, 1_000)));
    List<Optional<DeviceRecord>> results =
        inParallel(
            20,
            i ->
                store
                    .addDevice(NUMBER, device("d" + i), 5)
                    .map(Optional::of)
                    .recover(
                        failure -> {
                          assertThat(codeOf(failure)).isEqualTo(ErrorCode.FORBIDDEN);
                          return Future.succeededFuture(Optional.empty());
                        }));
    List<Integer> ids =
        results.stream().flatMap(Optional::stream).map(DeviceRecord::getId).toList();
    assertThat(ids).containsExactlyInAnyOrder(2, 3, 4, 5);
    assertThat(await(store.get(NUMBER)).orElseThrow().getDevicesCount()).isEqualTo(5);
  }

  @Test
  void aBegunDeletionRemovesTheAccountAndStaysPendingUntilItEnds() {
    await(store.create(account(NUMBER, 1_000)));
    AccountRecord deletion = account(NUMBER, 1_000).toBuilder().setDeletionStarted(5_000).build();

    assertThat(await(store.beginDeletion(deletion))).isTrue();

    assertThat(await(store.get(NUMBER))).isEmpty();
    assertThat(await(store.pendingDeletion(NUMBER))).contains(deletion);
    assertThat(await(store.pendingDeletions())).contains(deletion);
    // Begun again (a node finishing it after a crash): still gone, still pending.
    assertThat(await(store.beginDeletion(deletion))).isTrue();
    assertThat(await(store.pendingDeletion(NUMBER))).contains(deletion);

    await(store.endDeletion(NUMBER));

    assertThat(await(store.pendingDeletion(NUMBER))).isEmpty();
    assertThat(await(store.pendingDeletions())).doesNotContain(deletion);
    assertThat(await(store.create(account(NUMBER, 9_000)))).isEmpty();
  }

  @Test
  void aDeletionOfAnAccountReplacedMeanwhileLeavesTheNewOneAlone() {
    await(store.create(account(NUMBER, 1_000)));
    await(store.create(account(NUMBER, 2_000))); // registered again

    assertThat(await(store.beginDeletion(account(NUMBER, 1_000).toBuilder().setDeletionStarted(3_000).build())))
        .isFalse();

    assertThat(await(store.get(NUMBER)).orElseThrow().getCreated()).isEqualTo(2_000);
    assertThat(await(store.pendingDeletion(NUMBER))).isEmpty();
  }
}
