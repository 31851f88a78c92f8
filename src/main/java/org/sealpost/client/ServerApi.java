package org.sealpost.client;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import org.sealpost.protocol.DeviceCredentials;

/**
 * The authenticated API as the SDK uses it: over the frame connection while one is open,
 * otherwise over HTTP with Basic auth. A client that only sends (the {@code send} command) thus
 * never opens a connection, and never takes deliveries it would not show.
 */
final class ServerApi {
  private final RestClient rest;
  private final DeviceCredentials credentials;
  private WireConnection connection;

  ServerApi(RestClient rest, DeviceCredentials credentials) {
    this.rest = rest;
    this.credentials = credentials;
  }

  void use(WireConnection open) {
    this.connection = open;
  }

  void forget(WireConnection closed) {
    if (connection == closed) {
      connection = null;
    }
  }

  /** Sends a request; a status other than 200 fails with {@link RequestFailedException}. */
  <T> Future<T> call(String verb, String path, MessageLite body, Parser<T> parser) {
    WireConnection open = connection;
    if (open != null && !open.isClosed()) {
      return open.call(verb, path, body, parser);
    }
    return rest.call(HttpMethod.valueOf(verb), path, credentials, body, parser);
  }
}
