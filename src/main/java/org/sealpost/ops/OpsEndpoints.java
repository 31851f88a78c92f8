package org.sealpost.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The operator's HTTP endpoints, mounted on every gateway HTTP listener: {@code /health/live}
 * (the process runs), {@code /health/ready} (see {@link Readiness}), and, when an admin token
 * is configured, the status page {@code /admin} and its data {@code /admin/status.json}
 * (Bearer token). Without a token both answer 404, as if they did not exist.
 */
public final class OpsEndpoints {
  private static final String JSON = "application/json";

  private final String nodeId;
  private final Readiness readiness;
  private final MeterRegistry registry;
  private final byte[] adminToken;
  private final String page;
  private java.util.function.Supplier<io.vertx.core.Future<String>> backup =
      () -> io.vertx.core.Future.failedFuture("no online backup for this store backend");

  /** What POST /admin/backup runs: an online backup, completing with where it went. */
  public OpsEndpoints withBackup(java.util.function.Supplier<io.vertx.core.Future<String>> value) {
    this.backup = value;
    return this;
  }

  public OpsEndpoints(String nodeId, Readiness readiness, MeterRegistry registry, String adminToken) {
    this.nodeId = nodeId;
    this.readiness = readiness;
    this.registry = registry;
    this.adminToken = adminToken == null || adminToken.isEmpty() ? null : adminToken.getBytes(StandardCharsets.UTF_8);
    this.page = resource("admin.html");
  }

  /** Adds the routes to a gateway's HTTP router. */
  public void mount(Router router) {
    router.get("/health/live").handler(rc -> json(rc, 200, new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(rc -> readiness.status().onComplete(ar -> {
      if (ar.failed()) {
        json(rc, 503, new JsonObject().put("status", "DOWN"));
        return;
      }
      Readiness.Status status = ar.result();
      json(rc, status.ready() ? 200 : 503, new JsonObject().put("status", status.ready() ? "UP" : "DOWN")
          .put("checks", new JsonObject(new java.util.LinkedHashMap<>(status.checks()))));
    }));
    router.get("/admin").handler(rc -> {
      if (adminToken == null) {
        rc.next();
        return;
      }
      // The page holds no data; its script fetches /admin/status.json with the token.
      rc.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
          .putHeader("Cache-Control", "no-store")
          .putHeader("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'")
          .end(page);
    });
    router.post("/admin/backup").handler(rc -> {
      if (adminToken == null) {
        rc.next();
        return;
      }
      if (!authorized(rc.request().getHeader(HttpHeaders.AUTHORIZATION))) {
        rc.response().putHeader("WWW-Authenticate", "Bearer").setStatusCode(401).end();
        return;
      }
      backup.get().onComplete(ar -> json(rc, ar.succeeded() ? 200 : 409, ar.succeeded()
          ? new JsonObject().put("backup", ar.result())
          : new JsonObject().put("error", String.valueOf(ar.cause().getMessage()))));
    });
    router.get("/admin/status.json").handler(rc -> {
      if (adminToken == null) {
        rc.next();
        return;
      }
      if (!authorized(rc.request().getHeader(HttpHeaders.AUTHORIZATION))) {
        rc.response().putHeader("WWW-Authenticate", "Bearer").setStatusCode(401).end();
        return;
      }
      readiness.status().onComplete(ar -> json(rc, 200, status(ar.succeeded() && ar.result().ready())));
    });
  }

  private boolean authorized(String header) {
    if (header == null || !header.startsWith("Bearer ")) {
      return false;
    }
    return MessageDigest.isEqual(adminToken, header.substring(7).trim().getBytes(StandardCharsets.UTF_8));
  }

  /** The figures the page shows, read from the same meters /metrics exposes. */
  JsonObject status(boolean ready) {
    JsonObject connections = new JsonObject();
    registry.find("sealpost.gateway.connections").gauges()
        .forEach(g -> connections.put(g.getId().getTag("transport"), (long) g.value()));
    return new JsonObject()
        .put("node", nodeId)
        .put("ready", ready)
        .put("clusterMembers", (long) gauge("sealpost.cluster.members"))
        .put("connections", connections)
        .put("authenticatedDevices", (long) gauge("sealpost.gateway.authenticated"))
        .put("messagesAccepted", (long) counter("sealpost.messages.accepted"))
        .put("messagesDelivered", (long) counter("sealpost.messages.delivered"))
        .put("messagesAcked", (long) counter("sealpost.messages.acked"))
        .put("framesIn", (long) counter("sealpost.gateway.frames.in"))
        .put("framesOut", (long) counter("sealpost.gateway.frames.out"))
        .put("rateLimited", (long) registry.find("sealpost.ratelimit.rejected").counters().stream()
            .mapToDouble(Counter::count).sum())
        .put("uptimeSeconds", java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() / 1000);
  }

  private double gauge(String name) {
    Gauge gauge = registry.find(name).gauge();
    return gauge == null ? 0 : gauge.value();
  }

  private double counter(String name) {
    return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
  }

  private static void json(RoutingContext rc, int status, JsonObject body) {
    rc.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .putHeader("Cache-Control", "no-store").end(body.encode());
  }

  private static String resource(String name) {
    try (InputStream in = OpsEndpoints.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
