package org.sealpost.privacy;

import static org.sealpost.api.ApiRoutes.EMPTY;

import java.util.List;
import org.sealpost.api.PhoneNumbers;
import org.sealpost.api.Route.Access;
import org.sealpost.api.Route;
import org.sealpost.protocol.ContactsUploadRequest;
import org.sealpost.protocol.PrivacySettings;

/** Routes of privacy settings, contacts and blocking (documented in presence.proto). */
public final class PrivacyRoutes {
  private PrivacyRoutes() {}

  public static List<Route> of(PrivacyService privacy) {
    return List.of(
        new Route("GET", "/v1/privacy", EMPTY, Access.DEVICE, false,
            call -> privacy.settings(call.device().number())),
        new Route("PUT", "/v1/privacy", PrivacySettings.getDefaultInstance(), Access.DEVICE, false,
            call -> privacy.putSettings(call.device().number(), call.body(PrivacySettings.class))),
        new Route("PUT", "/v1/contacts", ContactsUploadRequest.getDefaultInstance(), Access.DEVICE, false,
            call -> privacy.uploadContacts(call.device().number(), call.body(ContactsUploadRequest.class))),
        new Route("GET", "/v1/blocks", EMPTY, Access.DEVICE, false,
            call -> privacy.blocked(call.device().number())),
        new Route("PUT", "/v1/blocks/:number", EMPTY, Access.DEVICE, false,
            call -> privacy.block(call.device().number(), number(call.params().get(0))).map(v -> EMPTY)),
        new Route("DELETE", "/v1/blocks/:number", EMPTY, Access.DEVICE, false,
            call -> privacy.unblock(call.device().number(), number(call.params().get(0))).map(v -> EMPTY)));
  }

  /** A path number; "+" may arrive percent-encoded. */
  private static String number(String param) {
    String number = param.replace("%2B", "+").replace("%2b", "+");
    return PhoneNumbers.require(number, "number");
  }
}
