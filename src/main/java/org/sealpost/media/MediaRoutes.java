package org.sealpost.media;

import static org.sealpost.api.ApiRoutes.EMPTY;

import io.vertx.core.Future;
import java.util.List;
import java.util.function.IntSupplier;
import org.sealpost.api.Route.Access;
import org.sealpost.api.Route;

/** The media route of the main API (documented in media.proto): where to upload. */
public final class MediaRoutes {
  private MediaRoutes() {}

  /** {@code mediaPort} is read per request: the media listener binds before the gateway serves. */
  public static List<Route> of(MediaService media, IntSupplier mediaPort) {
    return List.of(
        new Route("GET", "/v1/media/endpoint", EMPTY, Access.DEVICE, false,
            call -> Future.succeededFuture(media.endpoint(mediaPort.getAsInt()))));
  }
}
