package org.sealpost.config;

import java.time.Duration;
import java.util.List;

/**
 * The TURN/STUN servers handed to calling clients, with the secret shared with the TURN server
 * (coturn's {@code static-auth-secret}) that time-limited credentials are derived from.
 *
 * @param secret shared secret; empty means no TURN is configured (the credentials route answers 503)
 * @param uris TURN/STUN URIs given to clients ({@code turn:host:port?transport=udp}, {@code turns:...}, {@code stun:...})
 * @param ttl how long handed-out credentials stay valid
 */
public record TurnConfig(String secret, List<String> uris, Duration ttl) {

  public TurnConfig {
    secret = secret == null ? "" : secret;
    uris = uris == null ? List.of() : List.copyOf(uris);
    for (String uri : uris) {
      SealpostConfig.check(uri.startsWith("turn:") || uri.startsWith("turns:") || uri.startsWith("stun:")
          || uri.startsWith("stuns:"), "turn.uris must be turn:, turns:, stun: or stuns: URIs, got '" + uri + "'");
    }
    SealpostConfig.check(ttl != null && ttl.toSeconds() > 0, "turn.ttl must be at least 1s");
  }

  public static TurnConfig defaults() {
    return new TurnConfig("", List.of(), Duration.ofDays(1));
  }

  public boolean hasSecret() {
    return !secret.isEmpty();
  }
}
