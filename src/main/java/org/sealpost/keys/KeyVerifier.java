package org.sealpost.keys;

import com.google.protobuf.ByteString;
import org.sealpost.errors.SealpostException;
import org.sealpost.protocol.PreKey;
import org.sealpost.protocol.PreKeyUpload;
import org.sealpost.protocol.SignedPreKey;
import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.InvalidKeyException;
import org.signal.libsignal.protocol.ecc.ECPublicKey;
import org.signal.libsignal.protocol.kem.KEMPublicKey;

/**
 * Checks every key of an upload with libsignal: each key must parse as what it claims to be, and
 * each signature must verify against the identity key. CPU work (a signature check takes about
 * 0.15 ms, an upload can hold 201 of them): call it off the event loop.
 */
final class KeyVerifier {
  private KeyVerifier() {}

  /**
   * Returns normally when every key is sound; throws BAD_REQUEST for a key that does not parse and
   * {@link InvalidSignatureException} for a signature that does not verify.
   *
   * @param upload the upload, with identity_key set to the identity it is checked against
   */
  static void verify(PreKeyUpload upload) {
    ECPublicKey identity = identityKey(upload.getIdentityKey()).getPublicKey();
    if (upload.hasSignedPreKey()) {
      SignedPreKey key = upload.getSignedPreKey();
      ecKey(key.getPublicKey(), "signedPreKey");
      checkSignature(identity, key, "signedPreKey");
    }
    if (upload.hasLastResortKyberPreKey()) {
      SignedPreKey key = upload.getLastResortKyberPreKey();
      kyberKey(key.getPublicKey(), "lastResortKyberPreKey");
      checkSignature(identity, key, "lastResortKyberPreKey");
    }
    for (int i = 0; i < upload.getOneTimePreKeysCount(); i++) {
      PreKey key = upload.getOneTimePreKeys(i);
      ecKey(key.getPublicKey(), "oneTimePreKeys[" + i + "]");
    }
    for (int i = 0; i < upload.getOneTimeKyberPreKeysCount(); i++) {
      SignedPreKey key = upload.getOneTimeKyberPreKeys(i);
      String field = "oneTimeKyberPreKeys[" + i + "]";
      kyberKey(key.getPublicKey(), field);
      checkSignature(identity, key, field);
    }
  }

  private static IdentityKey identityKey(ByteString bytes) {
    try {
      return new IdentityKey(bytes.toByteArray());
    } catch (InvalidKeyException | RuntimeException e) {
      throw SealpostException.badRequest("identityKey is not a valid identity key");
    }
  }

  private static void ecKey(ByteString bytes, String field) {
    try {
      new ECPublicKey(bytes.toByteArray());
    } catch (InvalidKeyException | RuntimeException e) {
      throw SealpostException.badRequest(field + " is not a valid EC public key");
    }
  }

  private static void kyberKey(ByteString bytes, String field) {
    try {
      new KEMPublicKey(bytes.toByteArray());
    } catch (InvalidKeyException | RuntimeException e) {
      throw SealpostException.badRequest(field + " is not a valid Kyber public key");
    }
  }

  /** The signature covers the public key exactly as serialized in the upload. */
  private static void checkSignature(ECPublicKey identity, SignedPreKey key, String field) {
    boolean valid;
    try {
      valid = identity.verifySignature(key.getPublicKey().toByteArray(), key.getSignature().toByteArray());
    } catch (RuntimeException e) {
      valid = false;
    }
    if (!valid) {
      throw new InvalidSignatureException(field);
    }
  }
}
