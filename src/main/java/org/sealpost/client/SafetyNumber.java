package org.sealpost.client;

/**
 * The safety number between this device and one device of a contact: 60 digits that both sides
 * compute from their two identity keys and compare out of band. Sealpost devices each have their
 * own identity key (a linked device generates its own), so there is one number per pair of
 * devices.
 *
 * @param number the contact
 * @param deviceId the contact's device
 * @param digits the 60 digits, as libsignal's displayable fingerprint
 * @param isTrusted false while the contact's key is a changed one this device has not accepted yet
 */
public record SafetyNumber(String number, int deviceId, String digits, boolean isTrusted) {

  /** The digits in twelve groups of five, the way Signal shows them. */
  public String grouped() {
    StringBuilder out = new StringBuilder(digits.length() + digits.length() / 5);
    for (int i = 0; i < digits.length(); i += 5) {
      if (i > 0) {
        out.append(' ');
      }
      out.append(digits, i, Math.min(digits.length(), i + 5));
    }
    return out.toString();
  }
}
