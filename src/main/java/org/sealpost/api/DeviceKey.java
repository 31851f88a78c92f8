package org.sealpost.api;

/** One device of one account: the unit that owns a connection and a queue. */
public record DeviceKey(String number, int deviceId) {
  public DeviceKey {
    if (number == null || number.isEmpty()) {
      throw new IllegalArgumentException("number must not be empty");
    }
    if (deviceId < 1) {
      throw new IllegalArgumentException("deviceId must be >= 1");
    }
  }

  /** The full key, for store and limit keys; never for logs. */
  public String id() {
    return number + "." + deviceId;
  }

  /** Redacted (all but the last two digits masked): safe for logs. */
  @Override
  public String toString() {
    int keep = Math.min(2, number.length());
    return "*".repeat(number.length() - keep) + number.substring(number.length() - keep) + "." + deviceId;
  }
}
