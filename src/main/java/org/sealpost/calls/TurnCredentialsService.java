package org.sealpost.calls;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.sealpost.api.DeviceKey;
import org.sealpost.config.TurnConfig;
import org.sealpost.errors.ErrorCode;
import org.sealpost.errors.SealpostException;
import org.sealpost.protocol.TurnCredentials;

/**
 * Hands out TURN credentials in the TURN REST API scheme that coturn's {@code use-auth-secret}
 * checks: the username carries its own expiry, the password is an HMAC of it under the secret
 * shared with the TURN server. Nothing is stored: the TURN server recomputes the HMAC, and
 * refuses a username whose expiry has passed.
 */
public final class TurnCredentialsService {
  private static final String HMAC = "HmacSHA1";

  private final TurnConfig config;
  private final Clock clock;

  public TurnCredentialsService(TurnConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  /** Credentials for {@code device}'s account, valid for turn.ttl from now. */
  public TurnCredentials credentials(DeviceKey device) {
    if (!config.hasSecret()) {
      throw new SealpostException(ErrorCode.UNAVAILABLE, "TURN not configured");
    }
    long ttl = config.ttl().toSeconds();
    String username = (clock.millis() / 1000 + ttl) + ":" + device.number();
    return TurnCredentials.newBuilder()
        .setUsername(username)
        .setPassword(password(config.secret(), username))
        .setTtlSeconds(ttl)
        .addAllUris(config.uris())
        .build();
  }

  /** base64(HMAC-SHA1(secret, username)), as coturn computes it. */
  static String password(String secret, String username) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC));
      return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 is missing from this JVM", e);
    }
  }
}
