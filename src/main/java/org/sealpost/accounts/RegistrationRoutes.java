package org.sealpost.accounts;

import static org.sealpost.api.ApiRoutes.EMPTY;

import java.util.List;
import org.sealpost.api.Route.Access;
import org.sealpost.api.Route;
import org.sealpost.protocol.LinkDeviceRequest;
import org.sealpost.protocol.RequestCodeRequest;
import org.sealpost.protocol.VerifyCodeRequest;

/** Routes of registration, device linking and an account's devices. */
public final class RegistrationRoutes {
  private RegistrationRoutes() {}

  public static List<Route> of(AccountsService accounts) {
    return List.of(
        new Route("POST", "/v1/registration/code", RequestCodeRequest.getDefaultInstance(), Access.PUBLIC, false,
            call -> accounts.requestCode(call.body(RequestCodeRequest.class).getNumber(), call.clientIp())),
        new Route("POST", "/v1/registration/verify", VerifyCodeRequest.getDefaultInstance(), Access.PUBLIC, false,
            call -> accounts.verify(call.body(VerifyCodeRequest.class), call.clientIp())),
        new Route("POST", "/v1/devices/link", LinkDeviceRequest.getDefaultInstance(), Access.PUBLIC, false,
            call -> accounts.link(call.body(LinkDeviceRequest.class), call.clientIp())),
        new Route("GET", "/v1/devices", EMPTY, Access.DEVICE, false,
            call -> accounts.devices(call.device())),
        new Route("POST", "/v1/devices/link-code", EMPTY, Access.DEVICE, false,
            call -> accounts.createLinkCode(call.device())),
        new Route("DELETE", "/v1/devices/:id", EMPTY, Access.DEVICE, false,
            call -> accounts.removeDevice(call.device(), call.deviceIdParam(0)).map(v -> EMPTY)));
  }
}
