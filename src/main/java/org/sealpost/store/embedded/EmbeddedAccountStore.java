package org.sealpost.store.embedded;

import static org.sealpost.store.embedded.ColumnFamily.ACCOUNTS;
import static org.sealpost.store.embedded.ColumnFamily.DELETIONS;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.sealpost.errors.SealpostException;
import org.sealpost.store.AccountStore;
import org.sealpost.store.proto.AccountRecord;
import org.sealpost.store.proto.DeviceRecord;

/**
 * Accounts in the {@link ColumnFamily#ACCOUNTS} column family, one AccountRecord (with its devices)
 * per number. Device changes are read-modify-writes of the whole record; the single writer makes
 * them atomic.
 */
public final class EmbeddedAccountStore implements AccountStore {
  /** The primary device is 1; linked devices are numbered from here. */
  private static final int FIRST_LINKED_DEVICE_ID = 2;

  private final EmbeddedDatabase db;
  private final Records<String, AccountRecord> accounts;
  private final Records<String, AccountRecord> deletions;

  public EmbeddedAccountStore(EmbeddedDatabase db) {
    this.db = db;
    this.accounts = new Records<>(db, ACCOUNTS, Keys::text, AccountRecord.parser());
    this.deletions = new Records<>(db, DELETIONS, Keys::text, AccountRecord.parser());
  }

  @Override
  public Future<Optional<AccountRecord>> get(String number) {
    return accounts.get(number);
  }

  @Override
  public Future<List<AccountRecord>> getAll(Collection<String> numbers) {
    List<String> copy = List.copyOf(numbers);
    // One read task for all: a 1,024-member group costs one worker hop, not 1,024.
    return db.read(reader -> {
      List<AccountRecord> found = new ArrayList<>(copy.size());
      copy.forEach(number -> accounts.find(reader, number).ifPresent(found::add));
      return found;
    });
  }

  @Override
  public Future<Optional<AccountRecord>> create(AccountRecord account) {
    if (account.getNumber().isEmpty()) {
      return Future.failedFuture(new IllegalArgumentException("account without number"));
    }
    return db.write(
        txn -> {
          Optional<AccountRecord> replaced = accounts.find(txn, account.getNumber());
          accounts.put(txn, account.getNumber(), account);
          return replaced;
        });
  }

  @Override
  public Future<DeviceRecord> addDevice(String number, DeviceRecord device, int maxDevices) {
    return db.write(
        txn -> {
          AccountRecord account =
              accounts.find(txn, number).orElseThrow(() -> SealpostException.notFound("no such account"));
          if (account.getDevicesCount() >= maxDevices) {
            throw SealpostException.forbidden("device limit reached");
          }
          int id = nextDeviceId(account);
          DeviceRecord added = device.toBuilder().setId(id).build();
          AccountRecord updated =
              account.toBuilder().addDevices(added).setNextDeviceId(id + 1).build();
          accounts.put(txn, number, updated);
          return added;
        });
  }

  @Override
  public Future<Boolean> removeDevice(String number, int deviceId) {
    return db.write(
        txn -> {
          Optional<AccountRecord> found = accounts.find(txn, number);
          if (found.isEmpty()) {
            return false;
          }
          AccountRecord account = found.get();
          for (int i = 0; i < account.getDevicesCount(); i++) {
            if (account.getDevices(i).getId() == deviceId) {
              accounts.put(txn, number, account.toBuilder().removeDevices(i).build());
              return true;
            }
          }
          return false;
        });
  }

  @Override
  public Future<Boolean> beginDeletion(AccountRecord deletion) {
    return db.write(
        txn -> {
          String number = deletion.getNumber();
          Optional<AccountRecord> found = accounts.find(txn, number);
          if (found.isPresent() && found.get().getCreated() != deletion.getCreated()) {
            deletions.delete(txn, number);
            return false;
          }
          // One write batch: the deletion record and the account's removal land together.
          deletions.put(txn, number, deletion);
          accounts.delete(txn, number);
          return true;
        });
  }

  @Override
  public Future<List<AccountRecord>> pendingDeletions() {
    return db.read(reader -> {
      List<AccountRecord> pending = new ArrayList<>();
      reader.scan(DELETIONS, Keys.EMPTY, Keys.EMPTY, (key, value) -> {
        pending.add(deletions.parse(value));
        return true;
      });
      return pending;
    });
  }

  @Override
  public Future<Optional<AccountRecord>> pendingDeletion(String number) {
    return deletions.get(number);
  }

  @Override
  public Future<Void> endDeletion(String number) {
    return deletions.delete(number);
  }

  /**
   * The id for a new device: the recorded next id, but never one in use or the primary's, so ids
   * stay unique even for a record written without next_device_id.
   */
  private static int nextDeviceId(AccountRecord account) {
    int next = Math.max(account.getNextDeviceId(), FIRST_LINKED_DEVICE_ID);
    for (DeviceRecord existing : account.getDevicesList()) {
      next = Math.max(next, existing.getId() + 1);
    }
    return next;
  }
}
