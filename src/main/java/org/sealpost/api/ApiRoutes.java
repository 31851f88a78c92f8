package org.sealpost.api;

import com.google.protobuf.Empty;
import com.google.protobuf.Message;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * The API table (documented in api.proto): each route maps to one service call. Frame
 * connections and the HTTP edge both dispatch through it. Each feature contributes its routes.
 */
public final class ApiRoutes {
  public static final Empty EMPTY = Empty.getDefaultInstance();

  private final List<Route> routes;

  /** The table of every feature's routes; each feature offers its own (see its {@code *Routes} class). */
  public ApiRoutes(List<Route> routes) {
    this.routes = List.copyOf(routes);
  }

  public List<Route> all() {
    return routes;
  }

  /** The route for a request and its path parameters. */
  public Optional<Match> find(String verb, String path) {
    for (Route route : routes) {
      Optional<List<String>> params = route.match(verb, path);
      if (params.isPresent()) {
        return Optional.of(new Match(route, params.get()));
      }
    }
    return Optional.empty();
  }

  /** A route and the path parameters a request's path gave it. */
  public record Match(Route route, List<String> params) {}

  /** Runs a handler, turning a thrown exception into a failed future. */
  public static Future<? extends Message> invoke(Route route, Call call) {
    try {
      return route.handler().handle(call);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
