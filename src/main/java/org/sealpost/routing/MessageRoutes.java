package org.sealpost.routing;

import static org.sealpost.api.ApiRoutes.EMPTY;

import java.util.List;
import org.sealpost.api.Route.Access;
import org.sealpost.api.Route;
import org.sealpost.protocol.ReadReceiptRequest;
import org.sealpost.protocol.SendMessageRequest;

/** Routes of messages and read receipts. */
public final class MessageRoutes {
  private MessageRoutes() {}

  public static List<Route> of(MessagesService messages) {
    return List.of(
        // Sends to one destination run one after another; to different ones side by side.
        new Route("PUT", "/v1/messages", SendMessageRequest.getDefaultInstance(), Access.DEVICE,
            body -> "to:" + ((SendMessageRequest) body).getDestination(),
            call -> messages.send(call.device(), call.body(SendMessageRequest.class))),
        new Route("PUT", "/v1/receipts/read", ReadReceiptRequest.getDefaultInstance(), Access.DEVICE, false,
            call -> messages.markRead(call.device(), call.body(ReadReceiptRequest.class)).map(v -> EMPTY)));
  }
}
