package org.sealpost.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;
import static org.sealpost.testing.Await.failure;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClientOptions;
import org.sealpost.client.RequestFailedException;
import org.sealpost.client.RestClient;
import org.sealpost.client.WireConnection;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.testing.TestServer;

/** Requests from a chosen client address (127.0.0.2, ...), as the rate limit tests make them. */
final class Attempts {
  private Attempts() {}

  /** The status a wire login from {@code address} gets: 200, or the refusal's status. */
  static int loginFrom(TestServer node, String address, DeviceCredentials credentials, String password) {
    WireConnection connection = await(WireConnection.tcp(node.clients(), "127.0.0.1",
        node.server().tcpPort(), null, address));
    try {
      return await(connection.authenticate(credentials.getNumber(), credentials.getDeviceId(), password)
          .map(ok -> 200)
          .recover(failed -> failed instanceof RequestFailedException rejected
              ? Future.succeededFuture(rejected.status())
              : Future.failedFuture(failed)));
    } finally {
      connection.close();
    }
  }

  /** A REST client whose requests come from {@code address}. */
  static RestClient restFrom(TestServer node, String address) {
    return new RestClient(node.clients(), node.httpUri(), null, new HttpClientOptions().setLocalAddress(address));
  }

  /** The status of a request that must be refused. */
  static int refusal(Future<?> request) {
    Throwable failed = failure(request);
    assertThat(failed).isInstanceOf(RequestFailedException.class);
    return ((RequestFailedException) failed).status();
  }
}
