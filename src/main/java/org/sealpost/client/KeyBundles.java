package org.sealpost.client;

import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.InvalidKeyException;
import org.signal.libsignal.protocol.ecc.ECPublicKey;
import org.signal.libsignal.protocol.kem.KEMPublicKey;
import org.signal.libsignal.protocol.state.PreKeyBundle;

/** Wire prekey bundles as libsignal's {@link PreKeyBundle}, which then checks every signature. */
final class KeyBundles {
  private KeyBundles() {}

  static PreKeyBundle toLibsignal(org.sealpost.protocol.PreKeyBundle bundle) throws InvalidKeyException {
    if (!bundle.hasSignedPreKey() || !bundle.hasKyberPreKey()) {
      throw new InvalidKeyException("bundle of device " + bundle.getDeviceId() + " lacks a signed or Kyber prekey");
    }
    boolean hasOneTime = bundle.hasOneTimePreKey();
    return new PreKeyBundle(
        bundle.getRegistrationId(),
        bundle.getDeviceId(),
        hasOneTime ? bundle.getOneTimePreKey().getKeyId() : PreKeyBundle.NULL_PRE_KEY_ID,
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
