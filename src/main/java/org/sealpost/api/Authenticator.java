package org.sealpost.api;

import io.vertx.core.Future;

/** Checks a device's credentials, for every edge that takes them (frame connections, HTTP, media). */
public interface Authenticator {
  /**
   * The device whose password this is; fails with UNAUTHORIZED otherwise (and failures count
   * against {@code clientIp}'s limit).
   */
  Future<DeviceKey> authenticateDevice(String number, int deviceId, String password, String clientIp);
}
