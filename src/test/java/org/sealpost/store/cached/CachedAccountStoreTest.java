package org.sealpost.store.cached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.store.AccountStore;
import org.sealpost.store.AccountStoreContract;
import org.sealpost.store.embedded.EmbeddedAccountStore;
import org.sealpost.store.embedded.EmbeddedDatabase;
import org.sealpost.store.proto.AccountRecord;
import org.sealpost.testing.Await;

/**
 * The cached account store keeps the account store's contract, and two nodes that each keep
 * copies see each other's writes (the message path must not send with a stale device list).
 */
class CachedAccountStoreTest extends AccountStoreContract {
  @TempDir Path dir;
  private EmbeddedDatabase db;
  private AccountStore shared;

  @Override
  protected AccountStore newStore(Vertx vertx) throws Exception {
    db = EmbeddedDatabase.open(vertx, dir);
    shared = new EmbeddedAccountStore(db);
    return node(vertx, shared);
  }

  @AfterEach
  void closeDatabase() {
    db.close();
  }

  /** One node's cached view of the shared store, with its own copies and its own drop consumer. */
  private static AccountStore node(Vertx vertx, AccountStore store) {
    Invalidations invalidations = new Invalidations(vertx);
    await(invalidations.start());
    return new CachedAccountStore(store, new NodeCache<>(1000, Duration.ofMinutes(10).toNanos(), System::nanoTime),
        invalidations);
  }

  @Test
  void aDeviceAddedThroughAnotherNodeIsSeenHere(Vertx vertx) throws Exception {
    AccountStore other = node(vertx, shared);
    await(store.create(account(NUMBER, 1_000)));
    assertThat(await(store.get(NUMBER)).orElseThrow().getDevicesCount()).isEqualTo(1); // now a copy here

    await(other.addDevice(NUMBER, device("laptop"), 5));

    Await.until("the other node's write dropped this node's copy", Duration.ofSeconds(5),
        () -> await(store.get(NUMBER)).orElseThrow().getDevicesCount() == 2);
  }

  @Test
  void aReadThatStartedBeforeAWriteDoesNotKeepWhatItRead(Vertx vertx) {
    await(shared.create(account(NUMBER, 1_000)));
    Promise<Optional<AccountRecord>> slowRead = Promise.promise();
    AccountStore slow = new DelegatingReads(shared, slowRead.future());
    Invalidations invalidations = new Invalidations(vertx);
    await(invalidations.start());
    AccountStore cached = new CachedAccountStore(slow,
        new NodeCache<>(1000, Duration.ofMinutes(10).toNanos(), System::nanoTime), invalidations);

    Future<Optional<AccountRecord>> read = cached.get(NUMBER); // reads the old record, slowly
    AccountRecord old = await(shared.get(NUMBER)).orElseThrow();
    await(cached.addDevice(NUMBER, device("laptop"), 5)); // a write completes meanwhile
    slowRead.complete(Optional.of(old));
    assertThat(await(read).orElseThrow().getDevicesCount()).isEqualTo(1);

    ((DelegatingReads) slow).readsFromStore = true;
    assertThat(await(cached.get(NUMBER)).orElseThrow().getDevicesCount()).isEqualTo(2);
  }

  @Test
  void aCopyIsUsedNoLongerThanItsTtl(Vertx vertx) {
    long[] now = {0};
    Invalidations invalidations = new Invalidations(vertx);
    await(invalidations.start());
    AccountStore cached = new CachedAccountStore(shared, new NodeCache<>(1000, 1_000, () -> now[0]), invalidations);
    await(shared.create(account(NUMBER, 1_000)));
    assertThat(await(cached.get(NUMBER)).orElseThrow().getDevicesCount()).isEqualTo(1);

    await(shared.addDevice(NUMBER, device("laptop"), 5)); // behind the cache's back: no drop
    assertThat(await(cached.get(NUMBER)).orElseThrow().getDevicesCount()).isEqualTo(1);
    now[0] += 1_000;
    assertThat(await(cached.get(NUMBER)).orElseThrow().getDevicesCount()).isEqualTo(2);
  }

  /** Answers the first read with a given future, later ones from the store; writes go to the store. */
  private static final class DelegatingReads implements AccountStore {
    private final AccountStore store;
    private final Future<Optional<AccountRecord>> firstRead;
    volatile boolean readsFromStore;

    DelegatingReads(AccountStore store, Future<Optional<AccountRecord>> firstRead) {
      this.store = store;
      this.firstRead = firstRead;
    }

    @Override
    public Future<Optional<AccountRecord>> get(String number) {
      return readsFromStore ? store.get(number) : firstRead;
    }

    @Override
    public Future<Optional<AccountRecord>> create(AccountRecord account) {
      return store.create(account);
    }

    @Override
    public Future<org.sealpost.store.proto.DeviceRecord> addDevice(String number,
        org.sealpost.store.proto.DeviceRecord device, int maxDevices) {
      return store.addDevice(number, device, maxDevices);
    }

    @Override
    public Future<Boolean> removeDevice(String number, int deviceId) {
      return store.removeDevice(number, deviceId);
    }

    @Override
    public Future<Boolean> beginDeletion(AccountRecord deletion) {
      return store.beginDeletion(deletion);
    }

    @Override
    public Future<java.util.List<AccountRecord>> pendingDeletions() {
      return store.pendingDeletions();
    }

    @Override
    public Future<Optional<AccountRecord>> pendingDeletion(String number) {
      return store.pendingDeletion(number);
    }

    @Override
    public Future<Void> endDeletion(String number) {
      return store.endDeletion(number);
    }
  }
}
