package org.sealpost.media;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.streams.ReadStream;

/**
 * A paused request body that sends {@code 100 Continue} (to a client that waits for it) only when
 * its reader first asks for bytes. A request refused after the headers (the upload is busy on
 * another request, the offset is stale) is thus answered before the client sends its body, and
 * closing that connection loses no response.
 */
final class RequestBody implements ReadStream<Buffer> {
  private final HttpServerRequest request;
  private boolean asked;

  RequestBody(HttpServerRequest request) {
    this.request = request;
  }

  private void askOnce() {
    if (!asked) {
      asked = true;
      if (request.headers().contains(HttpHeaders.EXPECT, HttpHeaders.CONTINUE, true)) {
        request.response().writeContinue();
      }
    }
  }

  @Override
  public RequestBody exceptionHandler(Handler<Throwable> handler) {
    request.exceptionHandler(handler);
    return this;
  }

  @Override
  public RequestBody handler(Handler<Buffer> handler) {
    request.handler(handler);
    return this;
  }

  @Override
  public RequestBody pause() {
    request.pause();
    return this;
  }

  @Override
  public RequestBody resume() {
    askOnce();
    request.resume();
    return this;
  }

  @Override
  public RequestBody fetch(long amount) {
    askOnce();
    request.fetch(amount);
    return this;
  }

  @Override
  public RequestBody endHandler(Handler<Void> handler) {
    request.endHandler(handler);
    return this;
  }
}
