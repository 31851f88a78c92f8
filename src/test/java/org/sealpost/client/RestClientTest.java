package org.sealpost.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.failure;

import com.google.protobuf.Empty;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.PushToken;
import org.sealpost.protocol.PushType;
import org.sealpost.testing.TestServer;

/** The SDK's HTTP client as the CLI uses it: called from a thread of its own, one request after another. */
class RestClientTest {
  @TempDir static Path dir;
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = new TestServer(dir.resolve("data"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /**
   * Every answer reaches its caller. The body used to be asked for in a callback chained after the
   * response's, which could run once the response had ended (about one request in 300): the
   * caller then waited forever.
   */
  @Test
  void everyAnswerReachesItsCallerOverOneKeptAliveConnection() {
    DeviceCredentials device = server.register();
    PushToken invalid = PushToken.newBuilder().setType(PushType.APNS).setToken("not hex").build();
    for (int i = 0; i < 3_000; i++) {
      Throwable refused = failure(server.rest().call(HttpMethod.PUT, "/v1/push/token", device, invalid, Empty.parser()));
      assertThat(refused).as("request %d", i).isInstanceOfSatisfying(RequestFailedException.class,
          e -> assertThat(e.status()).isEqualTo(400));
    }
  }
}
