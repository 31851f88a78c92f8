package org.sealpost.client;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import org.sealpost.protocol.PreKey;
import org.sealpost.protocol.PreKeyUpload;
import org.sealpost.protocol.SignedPreKey;
import org.signal.libsignal.protocol.IdentityKeyPair;
import org.signal.libsignal.protocol.InvalidKeyException;
import org.signal.libsignal.protocol.ecc.ECKeyPair;
import org.signal.libsignal.protocol.kem.KEMKeyPair;
import org.signal.libsignal.protocol.kem.KEMKeyType;
import org.signal.libsignal.protocol.state.KyberPreKeyRecord;
import org.signal.libsignal.protocol.state.PreKeyRecord;
import org.signal.libsignal.protocol.state.SignedPreKeyRecord;

/**
 * Makes prekeys: keeps each private half in the store and returns the public halves as a
 * {@link PreKeyUpload}. Every signature is made with the identity key over the public key
 * exactly as serialized, which is what the server and libsignal check.
 */
final class PreKeyGenerator {
  /** One-time keys of each kind a device keeps on the server (the most one upload may carry). */
  static final int ONE_TIME_KEYS = 100;
  /**
   * Kyber keys per request: a KYBER_1024 public key is 1569 bytes, so 100 of them would not fit
   * the server's default 128 KiB frame; 50 leave room for everything else.
   */
  static final int KYBER_KEYS_PER_UPLOAD = 50;

  private PreKeyGenerator() {}

  /** Everything a new device uploads: signed EC prekey, last-resort KYBER_1024 key, and a full set of one-time keys. */
  static PreKeyUpload full(FileProtocolStore store, long now) {
    IdentityKeyPair identity = store.getIdentityKeyPair();
    int signedId = store.reserveSignedPreKeyId();
    ECKeyPair signedKey = ECKeyPair.generate();
    byte[] signedSignature = identity.getPrivateKey().calculateSignature(signedKey.getPublicKey().serialize());
    store.storeSignedPreKey(signedId, new SignedPreKeyRecord(signedId, now, signedKey, signedSignature));

    int lastResortId = store.reserveKyberPreKeyIds(1);
    KyberPreKeyRecord lastResort = kyberKey(identity, lastResortId, now);
    store.storeLastResortKyberPreKey(lastResortId, lastResort);

    return oneTime(store, ONE_TIME_KEYS, ONE_TIME_KEYS, now).toBuilder()
        .setSignedPreKey(SignedPreKey.newBuilder().setKeyId(signedId)
            .setPublicKey(ByteString.copyFrom(signedKey.getPublicKey().serialize()))
            .setSignature(ByteString.copyFrom(signedSignature)))
        .setLastResortKyberPreKey(signed(lastResort))
        .build();
  }

  /** {@code ecCount} one-time EC prekeys and {@code kyberCount} one-time Kyber prekeys. */
  static PreKeyUpload oneTime(FileProtocolStore store, int ecCount, int kyberCount, long now) {
    IdentityKeyPair identity = store.getIdentityKeyPair();
    PreKeyUpload.Builder upload = PreKeyUpload.newBuilder()
        .setIdentityKey(ByteString.copyFrom(identity.getPublicKey().serialize()));
    if (ecCount > 0) {
      int first = store.reservePreKeyIds(ecCount);
      for (int i = 0; i < ecCount; i++) {
        int id = FileProtocolStore.idAt(first, i);
        ECKeyPair key = ECKeyPair.generate();
        store.storePreKey(id, new PreKeyRecord(id, key));
        upload.addOneTimePreKeys(PreKey.newBuilder().setKeyId(id)
            .setPublicKey(ByteString.copyFrom(key.getPublicKey().serialize())));
      }
    }
    if (kyberCount > 0) {
      int first = store.reserveKyberPreKeyIds(kyberCount);
      for (int i = 0; i < kyberCount; i++) {
        int id = FileProtocolStore.idAt(first, i);
        KyberPreKeyRecord record = kyberKey(identity, id, now);
        store.storeKyberPreKey(id, record);
        upload.addOneTimeKyberPreKeys(signed(record));
      }
    }
    return upload.build();
  }

  /**
   * Splits an upload into requests that each fit a frame: the first carries everything but the
   * Kyber one-time keys beyond the first {@value #KYBER_KEYS_PER_UPLOAD}; each later one carries
   * the identity key (which its signatures are checked against) and the next Kyber keys.
   */
  static List<PreKeyUpload> requests(PreKeyUpload upload) {
    List<SignedPreKey> kyber = upload.getOneTimeKyberPreKeysList();
    List<PreKeyUpload> requests = new ArrayList<>();
    requests.add(upload.toBuilder().clearOneTimeKyberPreKeys()
        .addAllOneTimeKyberPreKeys(kyber.subList(0, Math.min(kyber.size(), KYBER_KEYS_PER_UPLOAD))).build());
    for (int from = KYBER_KEYS_PER_UPLOAD; from < kyber.size(); from += KYBER_KEYS_PER_UPLOAD) {
      requests.add(PreKeyUpload.newBuilder().setIdentityKey(upload.getIdentityKey())
          .addAllOneTimeKyberPreKeys(kyber.subList(from, Math.min(kyber.size(), from + KYBER_KEYS_PER_UPLOAD)))
          .build());
    }
    return requests;
  }

  private static KyberPreKeyRecord kyberKey(IdentityKeyPair identity, int id, long now) {
    KEMKeyPair pair = KEMKeyPair.generate(KEMKeyType.KYBER_1024);
    byte[] signature = identity.getPrivateKey().calculateSignature(pair.getPublicKey().serialize());
    return new KyberPreKeyRecord(id, now, pair, signature);
  }

  private static SignedPreKey signed(KyberPreKeyRecord record) {
    try {
      return SignedPreKey.newBuilder().setKeyId(record.getId())
          .setPublicKey(ByteString.copyFrom(record.getKeyPair().getPublicKey().serialize()))
          .setSignature(ByteString.copyFrom(record.getSignature()))
          .build();
    } catch (InvalidKeyException e) {
      throw new IllegalStateException("a Kyber prekey just made does not parse", e);
    }
  }
}
