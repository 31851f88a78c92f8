package org.sealpost.store;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.sealpost.store.proto.AccountRecord;
import org.sealpost.store.proto.DeviceRecord;

/**
 * Accounts and their devices, keyed by E.164 number. Every write is durable when its future
 * completes.
 */
public interface AccountStore {

  Future<Optional<AccountRecord>> get(String number);

  /**
   * The accounts of {@code numbers} that exist, in no particular order (a group's members).
   * Stores that can read many keys in one round trip do; the default reads them in parallel.
   */
  default Future<List<AccountRecord>> getAll(Collection<String> numbers) {
    List<Future<Optional<AccountRecord>>> reads = new ArrayList<>(numbers.size());
    numbers.forEach(number -> reads.add(get(number)));
    return Future.all(reads).map(all -> {
      List<AccountRecord> found = new ArrayList<>(reads.size());
      reads.forEach(read -> read.result().ifPresent(found::add));
      return found;
    });
  }

  /**
   * Creates the account, replacing any account with the same number (re-registration).
   * Returns the replaced account, if there was one, so its devices' data can be cleared.
   */
  Future<Optional<AccountRecord>> create(AccountRecord account);

  /**
   * Adds a device to an existing account, atomically: assigns the next device id (ids are
   * never reused within an account) unless the account already has {@code maxDevices}.
   * Fails with NOT_FOUND when the account does not exist and FORBIDDEN when it is full.
   */
  Future<DeviceRecord> addDevice(String number, DeviceRecord device, int maxDevices);

  /** Removes a device; returns false when there was no such device. */
  Future<Boolean> removeDevice(String number, int deviceId);

  /**
   * Starts deleting an account, durably, in this order: records {@code deletion} (the account as
   * read, {@code deletion_started} set) as a pending deletion, then removes the account if the
   * number still holds the same one (same {@code created}). From then on {@link #get} finds
   * nothing, so its credentials fail and the number is unknown to senders. True when the account
   * is gone (now, or by an earlier call); false when the number holds another account (it was
   * registered again in between), whose pending deletion is then dropped.
   */
  Future<Boolean> beginDeletion(AccountRecord deletion);

  /**
   * Deletions begun and not yet ended: running now somewhere, or cut short by a crash. A store
   * keeps few (each ends within seconds), so reading them all is cheap.
   */
  Future<List<AccountRecord>> pendingDeletions();

  /** The number's pending deletion, if one has begun and not ended. */
  Future<Optional<AccountRecord>> pendingDeletion(String number);

  /** Forgets the number's pending deletion: everything of the account has been deleted. */
  Future<Void> endDeletion(String number);
}
