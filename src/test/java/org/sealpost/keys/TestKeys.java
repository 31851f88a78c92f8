package org.sealpost.keys;

import com.google.protobuf.ByteString;
import org.sealpost.protocol.PreKey;
import org.sealpost.protocol.PreKeyBundle;
import org.sealpost.protocol.PreKeyUpload;
import org.sealpost.protocol.SignedPreKey;
import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.IdentityKeyPair;
import org.signal.libsignal.protocol.InvalidKeyException;
import org.signal.libsignal.protocol.ecc.ECKeyPair;
import org.signal.libsignal.protocol.ecc.ECPublicKey;
import org.signal.libsignal.protocol.kem.KEMKeyPair;
import org.signal.libsignal.protocol.kem.KEMKeyType;
import org.signal.libsignal.protocol.kem.KEMPublicKey;
import org.signal.libsignal.protocol.state.KyberPreKeyRecord;
import org.signal.libsignal.protocol.state.PreKeyRecord;
import org.signal.libsignal.protocol.state.SignedPreKeyRecord;
import org.signal.libsignal.protocol.state.impl.InMemorySignalProtocolStore;

/**
 * One device's real libsignal keys, as a client holds them: the private halves live in an
 * in-memory protocol store (so the device can decrypt what senders encrypt to its bundles), the
 * public halves go into uploads. Key ids count up from 1 across every key made.
 */
public final class TestKeys {
  static final int SIGNED_PRE_KEY_ID = 1_000_000;
  static final int LAST_RESORT_ID = 1_000_001;

  private final IdentityKeyPair identity;
  private final InMemorySignalProtocolStore store;
  private int nextId = 1;

  public TestKeys(int registrationId) {
    this.identity = IdentityKeyPair.generate();
    this.store = new InMemorySignalProtocolStore(identity, registrationId);
  }

  InMemorySignalProtocolStore store() {
    return store;
  }

  public ByteString identityKey() {
    return ByteString.copyFrom(identity.getPublicKey().serialize());
  }

  /** A first upload: identity, signed prekey, last-resort Kyber prekey, and one-time keys. */
  public PreKeyUpload complete(int ecKeys, int kyberKeys) {
    ECKeyPair signed = ECKeyPair.generate();
    byte[] signedSignature = sign(signed.getPublicKey().serialize());
    store.storeSignedPreKey(SIGNED_PRE_KEY_ID,
        new SignedPreKeyRecord(SIGNED_PRE_KEY_ID, System.currentTimeMillis(), signed, signedSignature));
    return oneTime(ecKeys, kyberKeys).toBuilder()
        .setIdentityKey(identityKey())
        .setSignedPreKey(signedKey(SIGNED_PRE_KEY_ID, signed.getPublicKey().serialize(), signedSignature))
        .setLastResortKyberPreKey(kyber(LAST_RESORT_ID))
        .build();
  }

  /** A refill: one-time keys only, leaving the identity key to the server's stored one. */
  public PreKeyUpload oneTime(int ecKeys, int kyberKeys) {
    PreKeyUpload.Builder upload = PreKeyUpload.newBuilder();
    for (int i = 0; i < ecKeys; i++) {
      int id = nextId++;
      ECKeyPair pair = ECKeyPair.generate();
      store.storePreKey(id, new PreKeyRecord(id, pair));
      upload.addOneTimePreKeys(PreKey.newBuilder().setKeyId(id)
          .setPublicKey(ByteString.copyFrom(pair.getPublicKey().serialize())));
    }
    for (int i = 0; i < kyberKeys; i++) {
      upload.addOneTimeKyberPreKeys(kyber(nextId++));
    }
    return upload.build();
  }

  private SignedPreKey kyber(int id) {
    KEMKeyPair pair = KEMKeyPair.generate(KEMKeyType.KYBER_1024);
    byte[] publicKey = pair.getPublicKey().serialize();
    byte[] signature = sign(publicKey);
    store.storeKyberPreKey(id, new KyberPreKeyRecord(id, System.currentTimeMillis(), pair, signature));
    return signedKey(id, publicKey, signature);
  }

  private byte[] sign(byte[] publicKey) {
    return identity.getPrivateKey().calculateSignature(publicKey);
  }

  private static SignedPreKey signedKey(int id, byte[] publicKey, byte[] signature) {
    return SignedPreKey.newBuilder().setKeyId(id).setPublicKey(ByteString.copyFrom(publicKey))
        .setSignature(ByteString.copyFrom(signature)).build();
  }

  /** The same key with its signature's first byte flipped. */
  static SignedPreKey tampered(SignedPreKey key) {
    byte[] signature = key.getSignature().toByteArray();
    signature[0] ^= 0x01;
    return key.toBuilder().setSignature(ByteString.copyFrom(signature)).build();
  }

  /** A bundle from the wire as libsignal takes it. */
  static org.signal.libsignal.protocol.state.PreKeyBundle toLibsignal(PreKeyBundle bundle)
      throws InvalidKeyException {
    boolean hasOneTime = bundle.hasOneTimePreKey();
    return new org.signal.libsignal.protocol.state.PreKeyBundle(
        bundle.getRegistrationId(),
        bundle.getDeviceId(),
        hasOneTime ? bundle.getOneTimePreKey().getKeyId()
            : org.signal.libsignal.protocol.state.PreKeyBundle.NULL_PRE_KEY_ID,
        hasOneTime ? new ECPublicKey(bundle.getOneTimePreKey().getPublicKey().toByteArray()) : null,
        bundle.getSignedPreKey().getKeyId(),
        new ECPublicKey(bundle.getSignedPreKey().getPublicKey().toByteArray()),
        bundle.getSignedPreKey().getSignature().toByteArray(),
        new IdentityKey(bundle.getIdentityKey().toByteArray()),
        bundle.getKyberPreKey().getKeyId(),
        new KEMPublicKey(bundle.getKyberPreKey().getPublicKey().toByteArray()),
        bundle.getKyberPreKey().getSignature().toByteArray());
  }
}
