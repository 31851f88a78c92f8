package org.sealpost.transparency;

import static org.sealpost.api.ApiRoutes.EMPTY;

import io.vertx.core.Future;
import java.util.List;
import org.sealpost.api.DeviceKey;
import org.sealpost.api.Route.Access;
import org.sealpost.api.Route;
import org.sealpost.errors.SealpostException;
import org.sealpost.protocol.LoggedKeys;

/** Routes of the key log (documented in keylog.proto); all but the log's key need a device. */
public final class KeyLogRoutes {
  private KeyLogRoutes() {}

  public static List<Route> of(KeyLog keyLog, LoggedKeysLookup devices) {
    return List.of(
        new Route("GET", "/v1/keylog/key", EMPTY, Access.PUBLIC, false,
            call -> Future.succeededFuture(keyLog.publicKey())),
        new Route("GET", "/v1/keylog/head", EMPTY, Access.DEVICE, false,
            call -> keyLog.head()),
        new Route("GET", "/v1/keylog/consistency/:old/:new", EMPTY, Access.DEVICE, false,
            call -> sizes(call.params()).compose(sizes -> keyLog.consistency(sizes[0], sizes[1]))),
        new Route("GET", "/v1/keylog/entries/:from", EMPTY, Access.DEVICE, false,
            call -> sizes(call.params()).compose(from -> keyLog.entries(from[0]))),
        new Route("GET", "/v1/keylog/devices/:number", EMPTY, Access.DEVICE, false,
            call -> devices.loggedKeys(call.device(), call.params().get(0))));
  }

  /** What answers GET /v1/keylog/devices/{number}: the keys service, which knows the accounts. */
  @FunctionalInterface
  public interface LoggedKeysLookup {
    Future<LoggedKeys> loggedKeys(DeviceKey requester, String number);
  }

  private static Future<long[]> sizes(List<String> params) {
    long[] sizes = new long[params.size()];
    try {
      for (int i = 0; i < sizes.length; i++) {
        sizes[i] = Long.parseLong(params.get(i));
      }
    } catch (NumberFormatException e) {
      return Future.failedFuture(SealpostException.badRequest("log sizes and indexes are whole numbers"));
    }
    return Future.succeededFuture(sizes);
  }
}
