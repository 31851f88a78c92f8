package org.sealpost.gateway;

import static org.sealpost.gateway.ApiRoutes.EMPTY;

import io.vertx.core.Future;
import java.util.List;
import org.sealpost.accounts.AccountsService;
import org.sealpost.gateway.Route.Access;
import org.sealpost.protocol.LinkDeviceRequest;
import org.sealpost.protocol.ReadReceiptRequest;
import org.sealpost.protocol.RequestCodeRequest;
import org.sealpost.protocol.SendMessageRequest;
import org.sealpost.protocol.VerifyCodeRequest;
import org.sealpost.routing.MessagesService;

/** Routes of registration, devices, messages and receipts. */
public final class CoreRoutes {
  private CoreRoutes() {}

  public static List<Route> of(AccountsService accounts, MessagesService messages) {
    return List.of(
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
            call -> accounts.removeDevice(call.device(), call.deviceIdParam(0)).map(v -> EMPTY)),
        // Sends to one destination run one after another; to different ones side by side.
        new Route("PUT", "/v1/messages", SendMessageRequest.getDefaultInstance(), Access.DEVICE,
            body -> "to:" + ((SendMessageRequest) body).getDestination(),
            call -> messages.send(call.device(), call.body(SendMessageRequest.class))),
        new Route("PUT", "/v1/receipts/read", ReadReceiptRequest.getDefaultInstance(), Access.DEVICE, false,
            call -> messages.markRead(call.device(), call.body(ReadReceiptRequest.class)).map(v -> EMPTY)));
  }
}
