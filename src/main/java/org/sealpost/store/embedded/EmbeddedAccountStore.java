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

  public EmbeddedAccountStore(EmbeddedDatabase db) {
    this.db = db;
  }

  @Override
  public Future<Optional<AccountRecord>> get(String number) {
    return db.read(reader -> find(reader, Keys.text(number)));
  }

  @Override
  public Future<List<AccountRecord>> getAll(Collection<String> numbers) {
    List<String> copy = List.copyOf(numbers);
    // One read task for all: a 1,024-member group costs one worker hop, not 1,024.
    return db.read(reader -> {
      List<AccountRecord> found = new ArrayList<>(copy.size());
      copy.forEach(number -> find(reader, Keys.text(number)).ifPresent(found::add));
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
          byte[] key = Keys.text(account.getNumber());
          Optional<AccountRecord> replaced = find(txn, key);
          txn.put(ACCOUNTS, key, account.toByteArray());
          return replaced;
        });
  }

  @Override
  public Future<DeviceRecord> addDevice(String number, DeviceRecord device, int maxDevices) {
    return db.write(
        txn -> {
          byte[] key = Keys.text(number);
          AccountRecord account =
              find(txn, key).orElseThrow(() -> SealpostException.notFound("no such account"));
          if (account.getDevicesCount() >= maxDevices) {
            throw SealpostException.forbidden("device limit reached");
          }
          int id = nextDeviceId(account);
          DeviceRecord added = device.toBuilder().setId(id).build();
          AccountRecord updated =
              account.toBuilder().addDevices(added).setNextDeviceId(id + 1).build();
          txn.put(ACCOUNTS, key, updated.toByteArray());
          return added;
        });
  }

  @Override
  public Future<Boolean> removeDevice(String number, int deviceId) {
    return db.write(
        txn -> {
          byte[] key = Keys.text(number);
          Optional<AccountRecord> found = find(txn, key);
          if (found.isEmpty()) {
            return false;
          }
          AccountRecord account = found.get();
          for (int i = 0; i < account.getDevicesCount(); i++) {
            if (account.getDevices(i).getId() == deviceId) {
              txn.put(ACCOUNTS, key, account.toBuilder().removeDevices(i).build().toByteArray());
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
          byte[] key = Keys.text(deletion.getNumber());
          Optional<AccountRecord> found = find(txn, key);
          if (found.isPresent() && found.get().getCreated() != deletion.getCreated()) {
            txn.delete(DELETIONS, key);
            return false;
          }
          // One write batch: the deletion record and the account's removal land together.
          txn.put(DELETIONS, key, deletion.toByteArray());
          txn.delete(ACCOUNTS, key);
          return true;
        });
  }

  @Override
  public Future<List<AccountRecord>> pendingDeletions() {
    return db.read(reader -> {
      List<AccountRecord> pending = new ArrayList<>();
      reader.scan(DELETIONS, Keys.EMPTY, Keys.EMPTY, (key, value) -> {
        pending.add(Keys.parse(AccountRecord.parser(), value));
        return true;
      });
      return pending;
    });
  }

  @Override
  public Future<Optional<AccountRecord>> pendingDeletion(String number) {
    return db.read(reader -> Optional.ofNullable(reader.get(DELETIONS, Keys.text(number)))
        .map(value -> Keys.parse(AccountRecord.parser(), value)));
  }

  @Override
  public Future<Void> endDeletion(String number) {
    return db.write(txn -> {
      txn.delete(DELETIONS, Keys.text(number));
      return null;
    });
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

  private static Optional<AccountRecord> find(KeyValueReader reader, byte[] key) {
    byte[] value = reader.get(ACCOUNTS, key);
    return value == null
        ? Optional.empty()
        : Optional.of(Keys.parse(AccountRecord.parser(), value));
  }
}
