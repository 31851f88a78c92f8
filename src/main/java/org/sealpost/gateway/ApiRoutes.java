package org.sealpost.gateway;

import com.google.protobuf.Empty;
import com.google.protobuf.Message;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import org.sealpost.accounts.AccountsService;
import org.sealpost.gateway.Route.Access;
import org.sealpost.protocol.LinkDeviceRequest;
import org.sealpost.protocol.ReadReceiptRequest;
import org.sealpost.protocol.RequestCodeRequest;
import org.sealpost.protocol.SendMessageRequest;
import org.sealpost.protocol.VerifyCodeRequest;
import org.sealpost.routing.MessagesService;

/**
 * The API table (documented in api.proto): each route maps to one service call. Frame
 * connections and the HTTP edge both dispatch through it.
 */
public final class ApiRoutes {
  static final Empty EMPTY = Empty.getDefaultInstance();

  private final List<Route> routes;

  public ApiRoutes(AccountsService accounts, MessagesService messages) {
    routes = List.of(
        new Route("POST", "/v1/registration/code", RequestCodeRequest.getDefaultInstance(), Access.PUBLIC, false,
            call -> accounts.requestCode(call.body(RequestCodeRequest.class).getNumber(), call.clientIp())),
        new Route("POST", "/v1/registration/verify", VerifyCodeRequest.getDefaultInstance(), Access.PUBLIC, false,
            call -> accounts.verify(call.body(VerifyCodeRequest.class), call.clientIp())),
        new Route("POST", "/v1/devices/link", LinkDeviceRequest.getDefaultInstance(), Access.PUBLIC, false,
            call -> accounts.link(call.body(LinkDeviceRequest.class), call.clientIp())),
        new Route("GET", "/v1/keepalive", EMPTY, Access.DEVICE, false,
            call -> Future.succeededFuture(EMPTY)),
        new Route("GET", "/v1/devices", EMPTY, Access.DEVICE, false,
            call -> accounts.devices(call.device())),
        new Route("POST", "/v1/devices/link-code", EMPTY, Access.DEVICE, false,
            call -> accounts.createLinkCode(call.device())),
        new Route("DELETE", "/v1/devices/:id", EMPTY, Access.DEVICE, false,
            call -> accounts.removeDevice(call.device(), call.intParam(0)).map(v -> EMPTY)),
        new Route("PUT", "/v1/messages", SendMessageRequest.getDefaultInstance(), Access.DEVICE, true,
            call -> messages.send(call.device(), call.body(SendMessageRequest.class))),
        new Route("PUT", "/v1/receipts/read", ReadReceiptRequest.getDefaultInstance(), Access.DEVICE, false,
            call -> messages.markRead(call.device(), call.body(ReadReceiptRequest.class)).map(v -> EMPTY)));
  }

  List<Route> all() {
    return routes;
  }

  /** The route for a request and its path parameters. */
  Optional<Match> find(String verb, String path) {
    for (Route route : routes) {
      Optional<List<String>> params = route.match(verb, path);
      if (params.isPresent()) {
        return Optional.of(new Match(route, params.get()));
      }
    }
    return Optional.empty();
  }

  record Match(Route route, List<String> params) {}

  /** Runs a handler, turning a thrown exception into a failed future. */
  static Future<? extends Message> invoke(Route route, Call call) {
    try {
      return route.handler().handle(call);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
