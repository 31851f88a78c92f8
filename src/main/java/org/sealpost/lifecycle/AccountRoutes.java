package org.sealpost.lifecycle;

import static org.sealpost.api.ApiRoutes.EMPTY;

import java.util.List;
import org.sealpost.api.Route.Access;
import org.sealpost.api.Route;
import org.sealpost.protocol.DeleteAccountRequest;

/** Routes of an account's owner leaving and asking what the server holds (account.proto). */
public final class AccountRoutes {
  private AccountRoutes() {}

  public static List<Route> of(AccountDeletion deletion, AccountExporter exporter) {
    return List.of(
        new Route("POST", "/v1/accounts/me/deletion-code", EMPTY, Access.DEVICE, false,
            call -> deletion.requestCode(call.device())),
        new Route("DELETE", "/v1/accounts/me", DeleteAccountRequest.getDefaultInstance(), Access.DEVICE, false,
            call -> deletion.delete(call.device(), call.body(DeleteAccountRequest.class), call.clientIp()).map(v -> EMPTY)),
        new Route("GET", "/v1/accounts/me/export", EMPTY, Access.DEVICE, false,
            call -> exporter.export(call.device())));
  }
}
