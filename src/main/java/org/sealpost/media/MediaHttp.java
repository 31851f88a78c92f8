package org.sealpost.media;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.sealpost.errors.Errors;
import org.sealpost.errors.RateLimitedException;
import org.sealpost.errors.SealpostException;

/** What every media response shares: the TUS version header and errors as a JSON ErrorBody. */
final class MediaHttp {
  static final String TUS_VERSION = "1.0.0";
  static final String TUS_RESUMABLE = "Tus-Resumable";
  private static final JsonFormat.Printer JSON = JsonFormat.printer().omittingInsignificantWhitespace();

  private MediaHttp() {}

  /**
   * Answers with the error. If the request body was not read (refused from its headers), the
   * response says {@code Connection: close} and the connection is closed once it is written:
   * the body is never read, and the connection cannot be reused with unread bytes in it.
   */
  static void fail(RoutingContext rc, Throwable failure) {
    SealpostException error = Errors.toSealpost(failure, "media " + rc.request().method() + " " + rc.request().path());
    HttpServerRequest request = rc.request();
    HttpServerResponse response = rc.response();
    if (response.ended() || response.closed()) {
      return;
    }
    boolean unread = !request.isEnded();
    response.setStatusCode(error.code().status())
        .putHeader(TUS_RESUMABLE, TUS_VERSION)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    if (error instanceof RateLimitedException limited) {
      response.putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, limited.retryAfter().toSeconds())));
    }
    if (unread) {
      response.putHeader(HttpHeaders.CONNECTION, "close");
    }
    String body;
    try {
      body = JSON.print(error.toBody());
    } catch (InvalidProtocolBufferException e) {
      body = "{\"code\":\"" + error.code().name() + "\"}";
    }
    response.end(body).onComplete(done -> {
      if (unread) {
        request.connection().close();
      }
    });
  }

  /** A header as a non-negative number; -1 when absent; BAD_REQUEST when malformed. */
  static long number(HttpServerRequest request, CharSequence header) {
    String value = request.getHeader(header);
    if (value == null) {
      return -1;
    }
    try {
      long n = Long.parseLong(value.trim());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw SealpostException.badRequest(header + " must be a non-negative integer");
    }
  }
}
