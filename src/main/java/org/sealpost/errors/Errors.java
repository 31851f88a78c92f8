package org.sealpost.errors;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns any failure into what a client may see; unknown failures are logged once as bugs. */
public final class Errors {
  private static final Logger log = LoggerFactory.getLogger(Errors.class);

  private Errors() {}

  public static SealpostException toSealpost(Throwable failure, String context) {
    if (failure instanceof SealpostException known) {
      return known;
    }
    if (failure instanceof ReplyException reply) {
      if (reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        return new SealpostException(ErrorCode.ofStatus(reply.failureCode()), reply.getMessage());
      }
      log.warn("{} - event bus {}: {}", context, reply.failureType(), reply.getMessage());
      return new SealpostException(ErrorCode.UNAVAILABLE, "service unavailable, try again");
    }
    log.error("{} - internal error", context, failure);
    return new SealpostException(ErrorCode.INTERNAL, "internal server error");
  }
}
