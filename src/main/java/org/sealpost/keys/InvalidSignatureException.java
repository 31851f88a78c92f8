package org.sealpost.keys;

import org.sealpost.errors.ErrorCode;
import org.sealpost.errors.SealpostException;

/**
 * A prekey's signature does not verify against the device's identity key (422): the request was
 * well-formed, but storing the key would hand senders a key the device cannot vouch for.
 */
final class InvalidSignatureException extends SealpostException {
  private final String field;

  InvalidSignatureException(String field) {
    super(ErrorCode.UNPROCESSABLE, "signature of " + field + " does not verify against the identity key");
    this.field = field;
  }

  /** Which key of the upload failed, as the field path a client sees (e.g. signedPreKey). */
  String field() {
    return field;
  }
}
