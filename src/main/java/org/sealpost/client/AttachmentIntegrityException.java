package org.sealpost.client;

/** A downloaded attachment does not match its pointer (digest or MAC): it was altered; nothing was decrypted. */
public final class AttachmentIntegrityException extends RuntimeException {
  public AttachmentIntegrityException(String message) {
    super(message, null, false, false);
  }
}
