package org.sealpost.calls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;

import com.google.protobuf.Empty;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.api.DeviceKey;
import org.sealpost.client.RequestFailedException;
import org.sealpost.config.TurnConfig;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.TurnCredentials;
import org.sealpost.testing.TestServer;

/** The TURN REST API credentials (checked against coturn itself in {@link TurnIT}). */
class TurnCredentialsTest {
  @TempDir
  Path dataDir;
  private TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void usernameCarriesExpiryAndAccountAndPasswordIsHmacSha1OfIt() {
    Clock clock = Clock.fixed(Instant.ofEpochSecond(1_700_000_000), ZoneOffset.UTC);
    TurnCredentialsService service = new TurnCredentialsService(
        new TurnConfig("north", List.of("turn:127.0.0.1:3478"), Duration.ofHours(1)), clock);

    TurnCredentials credentials = service.credentials(new DeviceKey("+15550001234", 1));

    assertThat(credentials.getUsername()).isEqualTo("1700003600:+15550001234");
    // printf %s '1700003600:+15550001234' | openssl dgst -sha1 -hmac north -binary | base64
    assertThat(credentials.getPassword()).isEqualTo("1PppsFSME5SAoSFn5D8pQtG64VE=");
    assertThat(credentials.getTtlSeconds()).isEqualTo(3600);
    assertThat(credentials.getUrisList()).containsExactly("turn:127.0.0.1:3478");
  }

  @Test
  void withoutASecretTheRouteAnswersUnavailable() {
    server = new TestServer(dataDir);
    DeviceCredentials device = server.register();

    Throwable error = catchFailure(() -> await(server.rest().call(HttpMethod.GET, "/v1/calls/turn", device,
        Empty.getDefaultInstance(), TurnCredentials.parser())));

    assertThat(error).isInstanceOf(RequestFailedException.class);
    RequestFailedException failed = (RequestFailedException) error;
    assertThat(failed.status()).isEqualTo(503);
    assertThat(failed.error().getCode()).isEqualTo("UNAVAILABLE");
    assertThat(failed.error().getMessage()).isEqualTo("TURN not configured");
  }

  @Test
  void credentialsNeedAnAuthenticatedDevice() {
    server = new TestServer(dataDir, config -> config.withTurn(
        new TurnConfig("north", List.of("stun:127.0.0.1:3478"), Duration.ofHours(1))));

    Throwable error = catchFailure(() -> await(server.rest().call(HttpMethod.GET, "/v1/calls/turn", null,
        Empty.getDefaultInstance(), TurnCredentials.parser())));

    assertThat(((RequestFailedException) error).status()).isEqualTo(401);
  }

  private static Throwable catchFailure(Runnable action) {
    try {
      action.run();
    } catch (Throwable e) {
      Throwable cause = e;
      while (!(cause instanceof RequestFailedException) && cause.getCause() != null) {
        cause = cause.getCause();
      }
      return cause;
    }
    throw new AssertionError("expected a failure");
  }
}
