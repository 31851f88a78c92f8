package org.sealpost.store;

import com.google.protobuf.ByteString;
import io.vertx.core.Future;
import java.util.Optional;
import org.sealpost.api.DeviceKey;
import org.sealpost.protocol.PreKeyBundle;
import org.sealpost.protocol.PreKeyCount;
import org.sealpost.protocol.PreKeyUpload;

/**
 * The Signal-protocol public keys of each device: an identity key, a signed EC prekey and a
 * last-resort Kyber prekey (one each), and any number of one-time EC and one-time Kyber prekeys.
 * The store checks no signatures; callers store only keys they verified against the identity key
 * they store them with.
 *
 * <p>Guarantees: {@link #take} hands out each one-time key at most once, even under concurrent
 * takes; a device's stored keys always belong to one identity key and always include a signed
 * prekey and a last-resort Kyber prekey; every write is durable when its future completes.
 */
public interface PreKeyStore {

  /**
   * Stores keys of a device and returns the one-time key counts after storing.
   *
   * <p>{@code keys.identity_key} must be set: it names the identity every signature in {@code
   * keys} was verified against. When it differs from the stored identity key, or the device has no
   * keys yet, it replaces every stored key of the device, one-time keys included, and {@code keys}
   * must then carry a signed prekey and a last-resort Kyber prekey (otherwise the future fails with
   * BAD_REQUEST and nothing changes: a device never ends up half-keyed). Under an unchanged
   * identity key, the signed and last-resort prekeys that are set replace the stored ones and the
   * one-time keys are added; one with a key id already stored replaces that key.
   */
  Future<PreKeyCount> put(DeviceKey device, PreKeyUpload keys);

  /** The device's stored identity key; empty when it has no keys. */
  Future<Optional<ByteString>> identityKey(DeviceKey device);

  /**
   * Takes what a sender needs for one session with the device: removes one one-time EC prekey if
   * any is left, and one one-time Kyber prekey, or uses the last-resort Kyber prekey when none is
   * left. The bundle carries the device id but no registration id (accounts keep that). Empty when
   * the device has no keys.
   */
  Future<Optional<TakenBundle>> take(DeviceKey device);

  /** How many one-time keys of each kind the device has left (zeros when it has no keys). */
  Future<PreKeyCount> count(DeviceKey device);

  /** Deletes every key of the device (device removed or account re-registered). */
  Future<Void> clear(DeviceKey device);

  /**
   * What a take handed out, and what it left behind.
   *
   * @param bundle the keys for one session, with device_id set and registration_id unset
   * @param left the device's one-time key counts after the take, to tell when it must refill
   */
  record TakenBundle(PreKeyBundle bundle, PreKeyCount left) {}
}
