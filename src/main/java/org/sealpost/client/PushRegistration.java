package org.sealpost.client;

import com.google.protobuf.Empty;
import io.vertx.core.Future;
import java.util.Optional;
import org.sealpost.protocol.PushToken;
import org.sealpost.protocol.PushType;

/** The SDK side of {@code push.proto}: where the server wakes this device while it has no connection. */
final class PushRegistration {
  private static final int NOT_FOUND = 404;

  private final ServerApi api;

  PushRegistration(ServerApi api) {
    this.api = api;
  }

  /** A webhook is a URL; APNs and FCM tokens are tokens. */
  static PushToken token(PushType type, String value) {
    PushToken.Builder token = PushToken.newBuilder().setType(type);
    if (type == PushType.WEBHOOK) {
      token.setUrl(value);
    } else {
      token.setToken(value);
    }
    return token.build();
  }

  Future<Void> register(PushToken token) {
    return api.call("PUT", "/v1/push/token", token, Empty.parser()).mapEmpty();
  }

  /** Empty when the device has none, which the server answers with a 404. */
  Future<Optional<PushToken>> token() {
    return api.call("GET", "/v1/push/token", Empty.getDefaultInstance(), PushToken.parser())
        .map(Optional::of)
        .recover(err -> err instanceof RequestFailedException e && e.status() == NOT_FOUND
            ? Future.succeededFuture(Optional.empty())
            : Future.failedFuture(err));
  }

  Future<Void> unregister() {
    return api.call("DELETE", "/v1/push/token", Empty.getDefaultInstance(), Empty.parser()).mapEmpty();
  }
}
