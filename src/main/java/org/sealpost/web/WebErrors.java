package org.sealpost.web;

import io.vertx.core.VertxException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.NoSuchElementException;
import org.sealpost.client.AttachmentIntegrityException;
import org.sealpost.client.IdentityChangedException;
import org.sealpost.client.KeyTransparencyException;
import org.sealpost.client.RequestFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns what failed into the page's {@code {"error", "message"}} with a status, and logs what the page cannot fix. */
final class WebErrors {
  private static final Logger log = LoggerFactory.getLogger(WebErrors.class);

  private WebErrors() {
  }

  static void end(RoutingContext ctx, int status, String code, String message) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", code).put("message", message).encode());
  }

  /** A failure as the page is told it. */
  record Problem(int status, String code, String message) {}

  static void fail(RoutingContext ctx, Throwable err) {
    Problem problem = of(err);
    if (problem.status() == 500) {
      log.error("{} {} failed", ctx.request().method(), ctx.request().path(), err);
    } else if (err instanceof KeyTransparencyException) {
      log.warn("{} {}: the key log does not back the server: {}", ctx.request().method(), ctx.request().path(),
          err.getMessage());
    }
    end(ctx, problem.status(), problem.code(), problem.message());
  }

  static Problem of(Throwable err) {
    if (err instanceof NoSuchElementException) {
      return new Problem(404, "not_found", err.getMessage());
    } else if (err instanceof IllegalArgumentException) {
      return new Problem(400, "bad_request", err.getMessage());
    } else if (err instanceof BlockedException) {
      return new Problem(409, "blocked", err.getMessage());
    } else if (err instanceof StillQueuedException) {
      return new Problem(409, "still_queued", err.getMessage());
    } else if (err instanceof IdentityChangedException changed) {
      return new Problem(409, "identity_changed", "The safety number with " + changed.number()
          + " changed. Compare it with theirs, then choose Trust to send again.");
    } else if (err instanceof KeyTransparencyException) {
      return new Problem(502, "key_log", "The server's key log does not back the key it gave: " + err.getMessage());
    } else if (err instanceof AttachmentIntegrityException) {
      return new Problem(502, "attachment_altered", "The file was altered on the server: " + err.getMessage());
    } else if (err instanceof RequestFailedException refused) {
      int status = refused.status() >= 400 && refused.status() < 500 ? refused.status() : 502;
      return new Problem(status, refused.error().getCode().isEmpty() ? "refused" : refused.error().getCode(),
          "The server refused: " + refused.error().getMessage());
    } else if (err instanceof java.nio.file.NoSuchFileException missing) {
      return new Problem(404, "file_gone", "The file is no longer in the state directory: " + missing.getFile());
    } else if (isUnreachable(err)) {
      return new Problem(503, "server_unreachable", "Cannot reach the server: " + err.getMessage());
    }
    return new Problem(500, "internal", "Something went wrong here: " + err);
  }

  /** The server could not be reached, or answered that it cannot serve now: worth trying again later. */
  static boolean isUnreachable(Throwable err) {
    return (err instanceof IOException && !(err instanceof java.nio.file.FileSystemException))
        || err instanceof VertxException || err instanceof java.util.concurrent.TimeoutException
        || (err instanceof RequestFailedException refused && refused.status() >= 502 && refused.status() <= 504);
  }

  /** Deleting a queued text that may be on its way already. */
  static final class StillQueuedException extends RuntimeException {
    StillQueuedException() {
      super("This text is still waiting to go out and may be on its way; only a text that was not sent can be deleted.",
          null, false, false);
    }
  }

  /** Sending to a number this account blocked. */
  static final class BlockedException extends RuntimeException {
    BlockedException(String number) {
      super("You blocked " + number + ". Unblock to send.", null, false, false);
    }
  }
}
