package org.sealpost.web;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * Who may use the web client: only a page served by it, in a browser on this machine, that was
 * given the token printed at start. The Host header must name this listener (a DNS-rebinding page
 * names its own host), an Origin, when sent, must be this listener's, and every API call carries
 * the token (in the Authorization header, or for WebSocket and download links where a browser
 * cannot set one, in {@code ?token=}). Cross-site requests therefore fail even before the token
 * is checked, and no answer allows cross-origin reads.
 */
final class LocalAccess {
  private final String token;
  private Set<String> hosts = Set.of();
  private Set<String> origins = Set.of();
  private String contentPolicy = "default-src 'none'";

  LocalAccess(String token) {
    this.token = token;
  }

  /** The port is known once the listener is bound; until then every request is refused. */
  void listeningOn(int port) {
    hosts = Set.of("127.0.0.1:" + port, "localhost:" + port);
    origins = Set.of("http://127.0.0.1:" + port, "http://localhost:" + port);
    contentPolicy = "default-src 'self'; connect-src 'self' ws://127.0.0.1:" + port + " ws://localhost:" + port
        + "; img-src 'self' blob: data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
  }

  static String newToken() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  String token() {
    return token;
  }

  /** Every request: from this machine, to this host, from this origin (if the browser says one). */
  void checkSite(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    // Vert.x takes the Host header (or HTTP/2's :authority) out of the headers into authority().
    io.vertx.core.net.HostAndPort authority = request.authority();
    String host = authority == null ? null : authority.host() + ":" + authority.port();
    String origin = request.headers().get("Origin");
    if (host == null || !hosts.contains(host.toLowerCase(java.util.Locale.ROOT))) {
      WebErrors.end(ctx, 421, "wrong_host", "this page is served only as http://127.0.0.1 or http://localhost");
    } else if (origin != null && !origins.contains(origin)) {
      WebErrors.end(ctx, 403, "wrong_origin", "requests from other sites are refused");
    } else if (request.remoteAddress() == null || !isLoopback(request.remoteAddress().host())) {
      WebErrors.end(ctx, 403, "not_local", "only this machine may connect");
    } else {
      // Nothing from elsewhere runs in the page, nothing frames it, and no answer is cached.
      ctx.response().putHeader("Cache-Control", "no-store").putHeader("X-Content-Type-Options", "nosniff")
          .putHeader("Referrer-Policy", "no-referrer").putHeader("X-Frame-Options", "DENY")
          .putHeader("Content-Security-Policy", contentPolicy);
      ctx.next();
    }
  }

  /** API requests: the token, in the header or (WebSocket, downloads) the query. */
  void checkToken(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    String given = header != null && header.startsWith("Bearer ") ? header.substring(7)
        : ctx.request().getParam("token");
    if (given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
        token.getBytes(StandardCharsets.UTF_8))) {
      ctx.next();
    } else {
      WebErrors.end(ctx, 401, "no_token", "open the link that `sealpost web` printed");
    }
  }

  private static boolean isLoopback(String address) {
    return address.equals("127.0.0.1") || address.startsWith("127.") || address.equals("0:0:0:0:0:0:0:1")
        || address.equals("::1");
  }
}
