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

  static void fail(RoutingContext ctx, Throwable err) {
    if (err instanceof NoSuchElementException) {
      end(ctx, 404, "not_found", err.getMessage());
    } else if (err instanceof IllegalArgumentException) {
      end(ctx, 400, "bad_request", err.getMessage());
    } else if (err instanceof BlockedException) {
      end(ctx, 409, "blocked", err.getMessage());
    } else if (err instanceof IdentityChangedException changed) {
      end(ctx, 409, "identity_changed", "The safety number with " + changed.number()
          + " changed. Compare it with theirs, then choose Trust to send again.");
    } else if (err instanceof KeyTransparencyException) {
      log.warn("{} {}: the key log does not back the server: {}", ctx.request().method(), ctx.request().path(),
          err.getMessage());
      end(ctx, 502, "key_log", "The server's key log does not back the key it gave: " + err.getMessage());
    } else if (err instanceof AttachmentIntegrityException) {
      end(ctx, 502, "attachment_altered", "The file was altered on the server: " + err.getMessage());
    } else if (err instanceof RequestFailedException refused) {
      int status = refused.status() >= 400 && refused.status() < 500 ? refused.status() : 502;
      end(ctx, status, refused.error().getCode().isEmpty() ? "refused" : refused.error().getCode(),
          "The server refused: " + refused.error().getMessage());
    } else if (err instanceof java.nio.file.NoSuchFileException missing) {
      end(ctx, 404, "file_gone", "The file is no longer in the state directory: " + missing.getFile());
    } else if (err instanceof IOException || err instanceof VertxException) {
      end(ctx, 503, "server_unreachable", "Cannot reach the server: " + err.getMessage());
    } else {
      log.error("{} {} failed", ctx.request().method(), ctx.request().path(), err);
      end(ctx, 500, "internal", "Something went wrong here: " + err);
    }
  }

  /** Sending to a number this account blocked. */
  static final class BlockedException extends RuntimeException {
    BlockedException(String number) {
      super("You blocked " + number + ". Unblock to send.", null, false, false);
    }
  }
}
