package org.sealpost.client;

/**
 * A contact's identity key is not the one this device trusted: the safety number changed
 * (re-registration, a new phone, or someone in the middle). Sending to the contact is refused
 * and messages from the new key are held until the user compares the new safety number and
 * calls {@link SealpostClient#trust(String)}.
 */
public final class IdentityChangedException extends RuntimeException {
  private final String number;

  public IdentityChangedException(String number) {
    super("the safety number with " + number + " changed; verify it and trust the new identity", null, false, false);
    this.number = number;
  }

  public String number() {
    return number;
  }
}
