package org.sealpost.presence;

import static org.sealpost.api.ApiRoutes.EMPTY;

import java.util.List;
import org.sealpost.api.Route.Access;
import org.sealpost.api.Route;
import org.sealpost.protocol.PresenceSubscribeRequest;
import org.sealpost.protocol.TypingRequest;

/** Routes of presence and typing (documented in presence.proto). */
public final class PresenceRoutes {
  private PresenceRoutes() {}

  public static List<Route> of(PresenceService presence, TypingService typing) {
    return List.of(
        new Route("PUT", "/v1/presence/subscriptions", PresenceSubscribeRequest.getDefaultInstance(), Access.DEVICE,
            false, call -> presence.subscribe(call.device(), call.body(PresenceSubscribeRequest.class))),
        new Route("DELETE", "/v1/presence/subscriptions", PresenceSubscribeRequest.getDefaultInstance(),
            Access.DEVICE, false,
            call -> presence.unsubscribe(call.device(), call.body(PresenceSubscribeRequest.class)).map(v -> EMPTY)),
        new Route("PUT", "/v1/typing", TypingRequest.getDefaultInstance(), Access.DEVICE, false,
            call -> typing.send(call.device(), call.body(TypingRequest.class)).map(v -> EMPTY)));
  }
}
