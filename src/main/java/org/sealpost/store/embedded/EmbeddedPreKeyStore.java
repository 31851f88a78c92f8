package org.sealpost.store.embedded;

import static org.sealpost.store.embedded.ColumnFamily.ONE_TIME_EC_PREKEYS;
import static org.sealpost.store.embedded.ColumnFamily.ONE_TIME_KYBER_PREKEYS;
import static org.sealpost.store.embedded.ColumnFamily.PREKEYS;

import com.google.protobuf.ByteString;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.sealpost.api.DeviceKey;
import org.sealpost.errors.SealpostException;
import org.sealpost.protocol.PreKey;
import org.sealpost.protocol.PreKeyBundle;
import org.sealpost.protocol.PreKeyCount;
import org.sealpost.protocol.PreKeyUpload;
import org.sealpost.protocol.SignedPreKey;
import org.sealpost.store.PreKeyStore;
import org.sealpost.store.proto.DeviceKeysRecord;

/**
 * Prekeys in three column families: the long-lived keys of a device as one DeviceKeysRecord in
 * {@link ColumnFamily#PREKEYS}, and one entry per one-time key in {@link
 * ColumnFamily#ONE_TIME_EC_PREKEYS} and {@link ColumnFamily#ONE_TIME_KYBER_PREKEYS}, under the
 * device prefix and the key id, so a prefix scan finds a device's keys in key-id order.
 *
 * <p>A take is one write operation: it finds the first one-time keys and deletes them inside the
 * single writer, so two takes, however concurrent, never see the same key. A put that changes the
 * identity key deletes the old one-time keys in the same operation, so no take ever pairs a new
 * identity with a key signed by the old one. Counts are prefix scans over keys only.
 */
public final class EmbeddedPreKeyStore implements PreKeyStore {
  private final EmbeddedDatabase db;
  private final Records<DeviceKey, DeviceKeysRecord> deviceKeys;

  public EmbeddedPreKeyStore(EmbeddedDatabase db) {
    this.db = db;
    this.deviceKeys = new Records<>(db, PREKEYS, Keys::device, DeviceKeysRecord.parser());
  }

  @Override
  public Future<PreKeyCount> put(DeviceKey device, PreKeyUpload keys) {
    if (keys.getIdentityKey().isEmpty()) {
      return Future.failedFuture(new IllegalArgumentException("keys without identity key"));
    }
    return db.write(
        txn -> {
          byte[] prefix = Keys.device(device);
          Optional<DeviceKeysRecord> stored = deviceKeys.find(txn, device);
          DeviceKeysRecord.Builder record;
          if (stored.isPresent() && stored.get().getIdentityKey().equals(keys.getIdentityKey())) {
            record = stored.get().toBuilder();
          } else {
            if (!keys.hasSignedPreKey() || !keys.hasLastResortKyberPreKey()) {
              throw SealpostException.badRequest(
                  "keys for a new identity key must include signedPreKey and lastResortKyberPreKey");
            }
            deleteAll(txn, ONE_TIME_EC_PREKEYS, prefix);
            deleteAll(txn, ONE_TIME_KYBER_PREKEYS, prefix);
            record = DeviceKeysRecord.newBuilder().setIdentityKey(keys.getIdentityKey());
          }
          if (keys.hasSignedPreKey()) {
            record.setSignedPreKey(keys.getSignedPreKey());
          }
          if (keys.hasLastResortKyberPreKey()) {
            record.setLastResortKyberPreKey(keys.getLastResortKyberPreKey());
          }
          deviceKeys.put(txn, device, record.build());
          for (PreKey key : keys.getOneTimePreKeysList()) {
            txn.put(ONE_TIME_EC_PREKEYS, Keys.preKey(device, key.getKeyId()), key.toByteArray());
          }
          for (SignedPreKey key : keys.getOneTimeKyberPreKeysList()) {
            txn.put(ONE_TIME_KYBER_PREKEYS, Keys.preKey(device, key.getKeyId()), key.toByteArray());
          }
          return counts(txn, prefix);
        });
  }

  @Override
  public Future<Optional<ByteString>> identityKey(DeviceKey device) {
    return deviceKeys.get(device).map(found -> found.map(DeviceKeysRecord::getIdentityKey));
  }

  @Override
  public Future<Optional<TakenBundle>> take(DeviceKey device) {
    return db.write(
        txn -> {
          byte[] prefix = Keys.device(device);
          Optional<DeviceKeysRecord> stored = deviceKeys.find(txn, device);
          if (stored.isEmpty()) {
            return Optional.empty();
          }
          PreKeyBundle.Builder bundle =
              PreKeyBundle.newBuilder()
                  .setDeviceId(device.deviceId())
                  .setIdentityKey(stored.get().getIdentityKey())
                  .setSignedPreKey(stored.get().getSignedPreKey());
          takeFirst(txn, ONE_TIME_EC_PREKEYS, prefix)
              .ifPresent(value -> bundle.setOneTimePreKey(Keys.parse(PreKey.parser(), value)));
          bundle.setKyberPreKey(
              takeFirst(txn, ONE_TIME_KYBER_PREKEYS, prefix)
                  .map(value -> Keys.parse(SignedPreKey.parser(), value))
                  .orElse(stored.get().getLastResortKyberPreKey()));
          return Optional.of(new TakenBundle(bundle.build(), counts(txn, prefix)));
        });
  }

  @Override
  public Future<PreKeyCount> count(DeviceKey device) {
    return db.read(reader -> counts(reader, Keys.device(device)));
  }

  /**
   * Deletes the record first, in one write, so takes stop at once; then the one-time keys page by
   * page, so a device with many keys does not hold up the writer.
   */
  @Override
  public Future<Void> clear(DeviceKey device) {
    byte[] prefix = Keys.device(device);
    return deviceKeys.delete(device)
        .compose(v -> everyEntry(ONE_TIME_EC_PREKEYS, prefix).run())
        .compose(deleted -> everyEntry(ONE_TIME_KYBER_PREKEYS, prefix).run())
        .mapEmpty();
  }

  private PagedDeletion everyEntry(ColumnFamily cf, byte[] prefix) {
    return new PagedDeletion(db, cf, prefix, (key, value) -> true, value -> true);
  }

  /** Deletes the first entry under prefix and returns its value; empty when there is none. */
  private static Optional<byte[]> takeFirst(Txn txn, ColumnFamily cf, byte[] prefix) {
    byte[][] first = new byte[2][];
    txn.scan(
        cf,
        prefix,
        prefix,
        (key, value) -> {
          first[0] = key;
          first[1] = value;
          return false;
        });
    if (first[0] == null) {
      return Optional.empty();
    }
    // Deleted after the scan: a batch must not change under an open iterator.
    txn.delete(cf, first[0]);
    return Optional.of(first[1]);
  }

  private static void deleteAll(Txn txn, ColumnFamily cf, byte[] prefix) {
    List<byte[]> keys = new ArrayList<>();
    txn.scanKeys(cf, prefix, prefix, keys::add);
    keys.forEach(key -> txn.delete(cf, key));
  }

  private static PreKeyCount counts(KeyValueReader reader, byte[] prefix) {
    return PreKeyCount.newBuilder()
        .setEcCount((int) reader.countKeys(ONE_TIME_EC_PREKEYS, prefix))
        .setKyberCount((int) reader.countKeys(ONE_TIME_KYBER_PREKEYS, prefix))
        .build();
  }
}
