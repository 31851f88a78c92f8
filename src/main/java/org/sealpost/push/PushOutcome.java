package org.sealpost.push;

import java.time.Duration;

/**
 * What a provider said about one wake-up.
 *
 * @param retryAfter for {@link Result#RETRY}: the provider's Retry-After, or null
 */
public record PushOutcome(Result result, String reason, Duration retryAfter) {
  public enum Result {
    /** Accepted by the provider. */
    DELIVERED,
    /** The token is dead (app uninstalled, bad token): remove it, never retry. */
    UNREGISTERED,
    /** Transient (throttled, provider unavailable): try again later. */
    RETRY,
    /** Refused for a reason retrying will not fix (bad configuration, bad request). */
    FAILED
  }

  static PushOutcome delivered() {
    return new PushOutcome(Result.DELIVERED, "", null);
  }

  static PushOutcome unregistered(String reason) {
    return new PushOutcome(Result.UNREGISTERED, reason, null);
  }

  static PushOutcome retry(String reason, Duration retryAfter) {
    return new PushOutcome(Result.RETRY, reason, retryAfter);
  }

  static PushOutcome failed(String reason) {
    return new PushOutcome(Result.FAILED, reason, null);
  }

  /** A Retry-After header in seconds (the HTTP-date form is ignored: the backoff applies). */
  static Duration retryAfter(String header) {
    if (header == null) {
      return null;
    }
    try {
      long seconds = Long.parseLong(header.trim());
      return seconds >= 0 ? Duration.ofSeconds(Math.min(seconds, 3600)) : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
