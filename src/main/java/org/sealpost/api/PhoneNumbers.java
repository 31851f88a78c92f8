package org.sealpost.api;

import java.util.regex.Pattern;
import org.sealpost.errors.SealpostException;

/** E.164 numbers: '+', a country code that does not start with 0, at most 15 digits in all. */
public final class PhoneNumbers {
  private static final Pattern E164 = Pattern.compile("\\+[1-9]\\d{6,14}");

  private PhoneNumbers() {}

  public static boolean isValid(String number) {
    return number != null && E164.matcher(number).matches();
  }

  /** Returns the number, or fails with BAD_REQUEST naming the field. */
  public static String require(String number, String field) {
    if (!isValid(number)) {
      throw SealpostException.badRequest(field + " must be an E.164 number like +15551234567");
    }
    return number;
  }

  private static final Pattern ANY_NUMBER = Pattern.compile("\\+\\d{4,}");

  /** The text (a request path, say) with every phone number in it redacted, for logs. */
  public static String redactAll(String text) {
    return ANY_NUMBER.matcher(text).replaceAll(match -> redact(match.group()));
  }

  /** The number with all but the last two digits masked, for logs. */
  public static String redact(String number) {
    if (number == null || number.length() < 4) {
      return "***";
    }
    return number.substring(0, 2) + "*".repeat(number.length() - 4) + number.substring(number.length() - 2);
  }
}
