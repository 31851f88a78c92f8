package org.sealpost.client;

/**
 * How one device of a contact stands in the key log compared with the identity key this device
 * holds for it ({@link SealpostClient#checkLoggedKeys}).
 *
 * @param loggedKey the key the log binds to the device, hex; empty when the log has none
 * @param detail what was found, for people
 */
public record LoggedKeyCheck(String number, int deviceId, Outcome outcome, String loggedKey, String detail) {
  public enum Outcome {
    /** The logged key is the one this device holds. */
    MATCHES,
    /** The log has the device, this device holds no key for it yet. */
    NOT_CONTACTED,
    /** The logged key is not the one this device holds. */
    DIFFERS,
    /** This device holds a key for a device the log does not list. */
    NOT_LOGGED,
    /** The entry or its audit path does not hold. */
    BAD_PROOF
  }

  public boolean isOk() {
    return outcome == Outcome.MATCHES || outcome == Outcome.NOT_CONTACTED;
  }
}
