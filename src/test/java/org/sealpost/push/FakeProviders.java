package org.sealpost.push;

import static org.sealpost.testing.Await.await;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stand-ins for APNs, FCM (with its OAuth2 token endpoint) and webhook receivers: one local HTTPS
 * server (HTTP/2 by ALPN) that records every request and answers each with the next reply
 * scripted for its token (200 when none is), as the providers document their answers.
 */
final class FakeProviders implements AutoCloseable {
  /** One request as the provider saw it. */
  record Received(String method, String path, HttpVersion version, MultiMap headers, Buffer body) {
    String header(String name) {
      return headers.get(name);
    }

    JsonObject json() {
      return new JsonObject(body);
    }
  }

  record Reply(int status, String retryAfter, String body) {}

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final Map<String, BlockingQueue<Received>> received = new ConcurrentHashMap<>();
  private final Map<String, Deque<Reply>> scripts = new ConcurrentHashMap<>();
  private final AtomicInteger accessTokens = new AtomicInteger();

  FakeProviders(Path cert, Path key) {
    server = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setUseAlpn(true).setHost("127.0.0.1")
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert.toString()).setKeyPath(key.toString())));
    server.requestHandler(request -> request.body().onSuccess(body -> handle(request, body)));
    await(server.listen(0));
  }

  String endpoint() {
    return "https://127.0.0.1:" + server.actualPort();
  }

  /** The replies for the next requests about {@code key} (a token, a webhook id, or "oauth"). */
  void script(String key, Reply... replies) {
    scripts.computeIfAbsent(key, k -> new ArrayDeque<>()).addAll(java.util.List.of(replies));
  }

  /** The next request about {@code key}, or null after {@code millis}. */
  Received next(String key, long millis) throws InterruptedException {
    return queue(key).poll(millis, TimeUnit.MILLISECONDS);
  }

  String lastAccessToken() {
    return "ya29.test-" + accessTokens.get();
  }

  private BlockingQueue<Received> queue(String key) {
    return received.computeIfAbsent(key, k -> new LinkedBlockingQueue<>());
  }

  private void handle(HttpServerRequest request, Buffer body) {
    String path = request.path();
    String key;
    if (path.startsWith("/3/device/")) {
      key = path.substring("/3/device/".length());
    } else if (path.equals("/token")) {
      key = "oauth";
    } else if (path.startsWith("/hook/")) {
      key = path.substring("/hook/".length());
    } else if (path.endsWith("/messages:send")) {
      key = new JsonObject(body).getJsonObject("message").getString("token");
    } else {
      request.response().setStatusCode(404).end();
      return;
    }
    queue(key).add(new Received(request.method().name(), path, request.version(),
        MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body.copy()));
    Deque<Reply> script = scripts.get(key);
    Reply reply = script == null ? null : script.poll();
    if (reply == null) {
      reply = key.equals("oauth")
          ? new Reply(200, null, new JsonObject().put("access_token", "ya29.test-" + accessTokens.incrementAndGet())
              .put("expires_in", 3599).put("token_type", "Bearer").encode())
          : new Reply(200, null, path.endsWith("/messages:send")
              ? new JsonObject().put("name", "projects/p/messages/1").encode() : "");
    }
    var response = request.response().setStatusCode(reply.status());
    if (reply.retryAfter() != null) {
      response.putHeader("retry-after", reply.retryAfter());
    }
    if (!reply.body().isEmpty()) {
      response.putHeader("content-type", "application/json");
    }
    response.end(reply.body());
  }

  @Override
  public void close() {
    await(vertx.close(), 30);
  }
}
