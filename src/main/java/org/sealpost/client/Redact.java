package org.sealpost.client;

/** Phone numbers as logs may show them: country code and last two digits only. */
final class Redact {
  private Redact() {}

  static String number(String number) {
    if (number == null || number.length() < 6) {
      return "***";
    }
    return number.substring(0, 2) + "***" + number.substring(number.length() - 2);
  }

  static String device(String number, int deviceId) {
    return number(number) + "." + deviceId;
  }
}
