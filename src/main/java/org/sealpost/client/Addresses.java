package org.sealpost.client;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.signal.libsignal.protocol.SignalProtocolAddress;

/**
 * File names for libsignal addresses ({@code number.deviceId}). Phone numbers are safe as they
 * are; any other character is escaped as {@code %XX} so no name can climb out of its directory.
 */
final class Addresses {
  private Addresses() {}

  static String fileName(SignalProtocolAddress address) {
    return fileName(address.getName(), address.getDeviceId());
  }

  static String fileName(String name, int deviceId) {
    return escape(name) + "." + deviceId;
  }

  /** The prefix every file name of {@code name}'s devices starts with. */
  static String prefix(String name) {
    return escape(name) + ".";
  }

  /** The device id of a file name made by {@link #fileName}, or -1 for a foreign file. */
  static int deviceId(String fileName) {
    int dot = fileName.lastIndexOf('.');
    try {
      return dot < 0 ? -1 : Integer.parseInt(fileName.substring(dot + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static String escape(String name) {
    StringBuilder out = new StringBuilder(name.length());
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '+' || c == '-'
          || c == '_') {
        out.append(c);
      } else {
        out.append('%').append(HexFormat.of().toHexDigits(b));
      }
    }
    return out.toString();
  }
}
