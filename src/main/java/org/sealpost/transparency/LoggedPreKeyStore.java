package org.sealpost.transparency;

import com.google.protobuf.ByteString;
import io.vertx.core.Future;
import java.util.Optional;
import org.sealpost.api.DeviceKey;
import org.sealpost.protocol.PreKeyCount;
import org.sealpost.protocol.PreKeyUpload;
import org.sealpost.store.PreKeyStore;

/**
 * The prekey store with the key log in front: every change of a device's identity key, and every
 * device whose keys go, is logged before the store changes. Every path that gives or takes a
 * device's keys (an upload, a linked device's first upload, a device removed, a number registered
 * anew, an account deleted) goes through here, so none can skip the log; and since the log is
 * written first, a key in the store is always one the log holds.
 */
public final class LoggedPreKeyStore implements PreKeyStore {
  private final PreKeyStore keys;
  private final KeyLog keyLog;

  public LoggedPreKeyStore(PreKeyStore keys, KeyLog keyLog) {
    this.keys = keys;
    this.keyLog = keyLog;
  }

  @Override
  public Future<PreKeyCount> put(DeviceKey device, PreKeyUpload upload) {
    return keyLog.record(device, upload.getIdentityKey()).compose(v -> keys.put(device, upload));
  }

  @Override
  public Future<Optional<ByteString>> identityKey(DeviceKey device) {
    return keys.identityKey(device);
  }

  @Override
  public Future<Optional<TakenBundle>> take(DeviceKey device) {
    return keys.take(device);
  }

  @Override
  public Future<PreKeyCount> count(DeviceKey device) {
    return keys.count(device);
  }

  @Override
  public Future<Void> clear(DeviceKey device) {
    return keyLog.record(device, ByteString.EMPTY).compose(v -> keys.clear(device));
  }
}
