package org.sealpost.web;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The page itself: three static files built into the jar, read once at start and served from
 * memory (no bundler, no file cache on disk).
 */
final class WebAssets {
  private static final String ROOT = "/org/sealpost/web/";
  private static final Map<String, String> TYPES = Map.of(
      "index.html", "text/html; charset=utf-8",
      "app.css", "text/css; charset=utf-8",
      "app.js", "text/javascript; charset=utf-8");

  private final Map<String, Buffer> files;

  WebAssets() {
    this.files = Map.of("index.html", load("index.html"), "app.css", load("app.css"), "app.js", load("app.js"));
  }

  private static Buffer load(String name) {
    try (InputStream in = WebAssets.class.getResourceAsStream(ROOT + name)) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks the web page's " + name);
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void serve(RoutingContext ctx) {
    String path = ctx.request().path();
    String name = path.equals("/") ? "index.html" : path.substring(1);
    Buffer body = files.get(name);
    if (body == null) {
      WebErrors.end(ctx, 404, "not_found", "no such page");
      return;
    }
    ctx.response().putHeader("Content-Type", TYPES.get(name)).end(body);
  }
}
