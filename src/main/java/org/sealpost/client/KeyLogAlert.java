package org.sealpost.client;

/**
 * Something the key log shows that the user should know: a key bound to this account's number
 * that is not this device's, or a log the server cannot have kept honestly.
 *
 * @param number the number concerned: this account's, or the sender of a diverging head
 * @param deviceId the device concerned, 0 when none
 * @param key the logged identity key in hex, empty when none (or the device was removed)
 * @param message what happened, for people
 */
public record KeyLogAlert(Kind kind, String number, int deviceId, String key, String message) {
  public enum Kind {
    /** This device's id was logged with another identity key: someone may be reading its messages. */
    OWN_KEY_REPLACED,
    /** A device of this account was logged as gone (this one included). */
    DEVICE_REMOVED,
    /** Another device of this account's number got a key: a device was linked, or someone else's key. */
    OTHER_DEVICE_KEY,
    /** The log's own proofs do not hold: a forked, rewritten or truncated log. */
    LOG_INCONSISTENT,
    /** A contact's message carried a head not consistent with this device's: the two are shown different logs. */
    SPLIT_VIEW
  }
}
