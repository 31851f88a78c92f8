package org.sealpost.gateway;

import static org.sealpost.api.ApiRoutes.EMPTY;

import io.vertx.core.Future;
import java.util.List;
import org.sealpost.api.Route.Access;
import org.sealpost.api.Route;

/** The gateway's own route: a keepalive that proves the connection and its credentials work. */
public final class GatewayRoutes {
  private GatewayRoutes() {}

  public static List<Route> of() {
    return List.of(new Route("GET", "/v1/keepalive", EMPTY, Access.DEVICE, false,
        call -> Future.succeededFuture(EMPTY)));
  }
}
