package org.sealpost.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import org.sealpost.client.RestClient;
import org.sealpost.client.WireConnection;
import org.sealpost.protocol.DeviceCredentials;

/** One simulated device: registered through the REST API, connected and authenticated. */
final class BenchClient {
  final DeviceCredentials credentials;
  final WireConnection connection;

  private BenchClient(DeviceCredentials credentials, WireConnection connection) {
    this.credentials = credentials;
    this.connection = connection;
  }

  String number() {
    return credentials.getNumber();
  }

  static Future<DeviceCredentials> register(RestClient rest, String number, String code) {
    return rest.requestCode(number).compose(sent -> rest.verify(number, sent.getSessionId(), code,
        1 + Math.floorMod(number.hashCode(), 16000), "bench"));
  }

  static Future<BenchClient> connect(Vertx vertx, URI server, int tcpPort, boolean webSocket,
      DeviceCredentials credentials, WireConnection.ServerRequestHandler onRequest) {
    Future<WireConnection> connecting = webSocket
        ? WireConnection.webSocket(vertx, server.getHost(), server.getPort())
        : WireConnection.tcp(vertx, server.getHost(), tcpPort);
    return connecting.compose(connection -> {
      connection.onRequest(onRequest);
      return connection.authenticate(credentials.getNumber(), credentials.getDeviceId(), credentials.getPassword())
          .map(auth -> new BenchClient(credentials, connection));
    });
  }
}
