package org.sealpost.calls;

import static org.sealpost.api.ApiRoutes.EMPTY;

import io.vertx.core.Future;
import java.util.List;
import org.sealpost.api.Route.Access;
import org.sealpost.api.Route;

/**
 * The calls route of the main API (documented in calls.proto): TURN credentials. Call signalling
 * itself rides PUT /v1/messages (see MessagesService).
 */
public final class CallRoutes {
  private CallRoutes() {}

  public static List<Route> of(TurnCredentialsService turn) {
    return List.of(
        new Route("GET", "/v1/calls/turn", EMPTY, Access.DEVICE, false,
            call -> Future.succeededFuture().map(v -> turn.credentials(call.device()))));
  }
}
