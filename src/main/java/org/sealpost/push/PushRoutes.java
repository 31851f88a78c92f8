package org.sealpost.push;

import static org.sealpost.api.ApiRoutes.EMPTY;

import java.util.List;
import org.sealpost.api.Route.Access;
import org.sealpost.api.Route;
import org.sealpost.protocol.PushToken;

/** Routes of push token registration (documented in push.proto). */
public final class PushRoutes {
  private PushRoutes() {}

  public static List<Route> of(PushTokens tokens) {
    return List.of(
        new Route("PUT", "/v1/push/token", PushToken.getDefaultInstance(), Access.DEVICE, false,
            call -> tokens.register(call.device(), call.body(PushToken.class)).map(v -> EMPTY)),
        new Route("GET", "/v1/push/token", EMPTY, Access.DEVICE, false,
            call -> tokens.get(call.device())),
        new Route("DELETE", "/v1/push/token", EMPTY, Access.DEVICE, false,
            call -> tokens.unregister(call.device()).map(v -> EMPTY)));
  }
}
