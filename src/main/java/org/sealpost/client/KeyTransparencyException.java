package org.sealpost.client;

/**
 * The server's key log did not back what the server said: a key it handed out is not in the log
 * (or is not the logged one), a proof does not verify, a head is not signed by the pinned log key,
 * or two heads are not consistent (the log forked, or two devices are shown different logs). The
 * key or message at stake is refused; nothing falls back to trusting the server unchecked.
 */
public final class KeyTransparencyException extends RuntimeException {
  public KeyTransparencyException(String message) {
    super(message, null, false, false);
  }
}
