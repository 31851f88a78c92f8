package org.sealpost.api;

import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.sealpost.errors.SealpostException;

/**
 * Device authentication over HTTP: {@code Authorization: Basic base64(NUMBER.DEVICE_ID:PASSWORD)},
 * checked by an {@link Authenticator}. Shared by every HTTP listener (REST API, media).
 */
public final class BasicAuth {
  private BasicAuth() {}

  /** The device the header authenticates, or UNAUTHORIZED. */
  public static Future<DeviceKey> authenticate(Authenticator accounts, String header, String clientIp) {
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return Future.failedFuture(SealpostException.unauthorized("Basic credentials required"));
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(SealpostException.unauthorized("malformed Basic credentials"));
    }
    int colon = decoded.indexOf(':');
    int dot = colon < 0 ? -1 : decoded.lastIndexOf('.', colon);
    if (colon < 0 || dot < 0) {
      return Future.failedFuture(SealpostException.unauthorized("credentials must be NUMBER.DEVICE_ID:PASSWORD"));
    }
    String number = decoded.substring(0, dot);
    int deviceId;
    try {
      deviceId = Integer.parseInt(decoded.substring(dot + 1, colon));
    } catch (NumberFormatException e) {
      return Future.failedFuture(SealpostException.unauthorized("credentials must be NUMBER.DEVICE_ID:PASSWORD"));
    }
    return accounts.authenticateDevice(number, deviceId, decoded.substring(colon + 1), clientIp);
  }
}
