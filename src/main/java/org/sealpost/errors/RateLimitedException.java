package org.sealpost.errors;

import java.time.Duration;
import org.sealpost.protocol.ErrorBody;

/** A rate limit was hit (429); the client may retry after {@link #retryAfter()}. */
public final class RateLimitedException extends SealpostException {
  private final Duration retryAfter;

  public RateLimitedException(String limit, Duration retryAfter) {
    super(ErrorCode.RATE_LIMITED, "rate limit exceeded: " + limit);
    this.retryAfter = retryAfter;
  }

  public Duration retryAfter() {
    return retryAfter;
  }

  @Override
  public ErrorBody toBody() {
    return super.toBody().toBuilder().setRetryAfterMs(retryAfter.toMillis()).build();
  }
}
