package org.sealpost.store.cached;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.sealpost.store.AccountStore;
import org.sealpost.store.proto.AccountRecord;
import org.sealpost.store.proto.DeviceRecord;

/**
 * Accounts read from this node's copy ({@link NodeCache}), so a message costs no store read for
 * its destination's devices; every write goes to the store and drops the account's copy on every
 * node once the write is done (or failed: its outcome may be unknown). Absent accounts are not
 * kept.
 */
final class CachedAccountStore implements AccountStore {
  static final String NAME = "accounts";

  private final AccountStore store;
  private final NodeCache<AccountRecord> cache;
  private final Invalidations invalidations;

  CachedAccountStore(AccountStore store, NodeCache<AccountRecord> cache, Invalidations invalidations) {
    this.store = store;
    this.cache = cache;
    this.invalidations = invalidations;
    invalidations.register(NAME, cache);
  }

  @Override
  public Future<Optional<AccountRecord>> get(String number) {
    return cache.get(number, this::load).map(Optional::ofNullable);
  }

  @Override
  public Future<List<AccountRecord>> getAll(Collection<String> numbers) {
    List<String> missing = new ArrayList<>();
    List<AccountRecord> found = new ArrayList<>(numbers.size());
    for (String number : numbers) {
      AccountRecord copy = cache.peek(number);
      if (copy != null) {
        found.add(copy);
      } else {
        missing.add(number);
      }
    }
    if (missing.isEmpty()) {
      return Future.succeededFuture(found);
    }
    // The rest in one store round trip.
    NodeCache.Ticket ticket = cache.begin();
    return store.getAll(missing).map(read -> {
      for (AccountRecord account : read) {
        cache.keep(account.getNumber(), account, ticket);
        found.add(account);
      }
      return found;
    });
  }

  @Override
  public Future<Optional<AccountRecord>> create(AccountRecord account) {
    return store.create(account).andThen(ar -> invalidations.drop(NAME, account.getNumber()));
  }

  @Override
  public Future<DeviceRecord> addDevice(String number, DeviceRecord device, int maxDevices) {
    return store.addDevice(number, device, maxDevices).andThen(ar -> invalidations.drop(NAME, number));
  }

  @Override
  public Future<Boolean> removeDevice(String number, int deviceId) {
    return store.removeDevice(number, deviceId).andThen(ar -> invalidations.drop(NAME, number));
  }

  @Override
  public Future<Boolean> beginDeletion(AccountRecord deletion) {
    return store.beginDeletion(deletion).andThen(ar -> invalidations.drop(NAME, deletion.getNumber()));
  }

  @Override
  public Future<List<AccountRecord>> pendingDeletions() {
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

  private Future<AccountRecord> load(String number) {
    return store.get(number).map(found -> found.orElse(null));
  }

  @Override
  public String toString() {
    return "cached " + store;
  }
}
