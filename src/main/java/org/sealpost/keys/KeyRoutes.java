package org.sealpost.keys;

import static org.sealpost.api.ApiRoutes.EMPTY;

import java.util.List;
import org.sealpost.api.Route.Access;
import org.sealpost.api.Route;
import org.sealpost.protocol.PreKeyUpload;

/** Routes of key distribution (documented in api.proto); every one needs an authenticated device. */
public final class KeyRoutes {
  private KeyRoutes() {}

  public static List<Route> of(KeysService keys) {
    return List.of(
        new Route("PUT", "/v1/keys", PreKeyUpload.getDefaultInstance(), Access.DEVICE, false,
            call -> keys.upload(call.device(), call.body(PreKeyUpload.class))),
        new Route("GET", "/v1/keys/count", EMPTY, Access.DEVICE, false,
            call -> keys.count(call.device())),
        new Route("GET", "/v1/keys/:number/:id", EMPTY, Access.DEVICE, false,
            call -> keys.fetch(call.device(), call.params().get(0), call.params().get(1))));
  }
}
