package org.sealpost.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.sealpost.api.Route;
import org.sealpost.errors.RateLimitedException;

/**
 * Per-route request meters, wrapped around every API route once at start-up (frames and REST
 * alike): {@code sealpost_requests_seconds{route,outcome}}, rate-limit rejections
 * ({@code sealpost_ratelimit_rejected_total{route}}) and accepted messages
 * ({@code sealpost_messages_accepted_total}: each successful send, one per logical message).
 */
public final class RouteMetrics {
  /** The routes whose success means "the server accepted a message" (one-to-one and group sends). */
  private static final List<String> SENDS = List.of("PUT /v1/messages", "PUT /v1/groups/:id/messages");

  private RouteMetrics() {}

  public static List<Route> timed(List<Route> routes, MeterRegistry registry) {
    Counter accepted = Counter.builder("sealpost.messages.accepted")
        .description("Messages accepted (made durable) from senders").register(registry);
    List<Route> wrapped = new ArrayList<>(routes.size());
    for (Route route : routes) {
      String name = route.verb() + " " + route.path();
      Timer ok = timer(registry, name, "ok");
      Timer error = timer(registry, name, "error");
      Counter limited = Counter.builder("sealpost.ratelimit.rejected").tag("route", name)
          .description("Requests refused by a rate limit").register(registry);
      boolean send = SENDS.contains(name);
      Route.Handler inner = route.handler();
      wrapped.add(new Route(route.verb(), route.path(), route.requestType(), route.access(), route.order(), call -> {
        long start = System.nanoTime();
        var result = inner.handle(call);
        return result.onComplete(ar -> {
          (ar.succeeded() ? ok : error).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
          if (ar.failed() && ar.cause() instanceof RateLimitedException) {
            limited.increment();
          } else if (ar.succeeded() && send) {
            accepted.increment();
          }
        });
      }));
    }
    return wrapped;
  }

  private static Timer timer(MeterRegistry registry, String route, String outcome) {
    return Timer.builder("sealpost.requests").tags("route", route, "outcome", outcome)
        .description("API requests by route and outcome").register(registry);
  }
}
