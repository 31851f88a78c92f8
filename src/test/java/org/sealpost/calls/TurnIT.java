package org.sealpost.calls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;

import io.vertx.core.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.config.TurnConfig;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.TurnCredentials;
import org.sealpost.testing.TestServer;

/**
 * Credentials from a real Sealpost server against a real coturn ({@code use-auth-secret}) on
 * loopback: {@code SEALPOST_TEST_TURN} (HOST:PORT, system property then environment), else
 * 127.0.0.1:3479, the instance {@code scripts/turn-start.sh} starts with the secret
 * {@code SEALPOST_TURN_SECRET} (else its development default). An allocation by
 * {@code turnutils_uclient} succeeds with them, and is refused (401) with an expired username or
 * a forged password.
 */
@Tag("external")
class TurnIT {
  private static final long CLIENT_TIMEOUT_SECONDS = 30;

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
  void credentialsFromSealpostAllocateARelayOnCoturn() throws Exception {
    TurnCredentials credentials = credentials();
    assertThat(credentials.getUrisList()).contains("turn:" + turnAddress() + "?transport=udp");

    Allocation result = allocate(credentials.getUsername(), credentials.getPassword());

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).doesNotContain("Cannot complete Allocation").contains("Total lost packets 0");
  }

  @Test
  void anExpiredUsernameIsRefused() throws Exception {
    TurnCredentials fresh = credentials();
    String account = fresh.getUsername().substring(fresh.getUsername().indexOf(':') + 1);
    // Correctly signed with the shared secret, but its expiry passed a minute ago.
    String expired = (System.currentTimeMillis() / 1000 - 60) + ":" + account;

    Allocation result = allocate(expired, TurnCredentialsService.password(secret(), expired));

    assertThat(result.exitCode()).as(result.output()).isNotZero();
    assertThat(result.output()).contains("Cannot complete Allocation");
  }

  @Test
  void aForgedPasswordIsRefused() throws Exception {
    TurnCredentials fresh = credentials();

    Allocation forged = allocate(fresh.getUsername(), TurnCredentialsService.password("not-the-secret", fresh.getUsername()));
    // A username whose expiry was moved, keeping the password issued for the original.
    String extended = (System.currentTimeMillis() / 1000 + 86_400 * 365) + fresh.getUsername()
        .substring(fresh.getUsername().indexOf(':'));
    Allocation stretched = allocate(extended, fresh.getPassword());

    assertThat(forged.exitCode()).as(forged.output()).isNotZero();
    assertThat(forged.output()).contains("Cannot complete Allocation");
    assertThat(stretched.exitCode()).as(stretched.output()).isNotZero();
    assertThat(stretched.output()).contains("Cannot complete Allocation");
  }

  /** GET /v1/calls/turn over the REST API, as a registered device of a server sharing coturn's secret. */
  private TurnCredentials credentials() {
    String address = turnAddress();
    server = new TestServer(dataDir, config -> config.withTurn(new TurnConfig(secret(),
        List.of("turn:" + address + "?transport=udp", "stun:" + address), Duration.ofMinutes(10))));
    DeviceCredentials device = server.register();
    TurnCredentials credentials = await(server.rest().call(HttpMethod.GET, "/v1/calls/turn", device,
        com.google.protobuf.Empty.getDefaultInstance(), TurnCredentials.parser()));
    assertThat(credentials.getUsername()).endsWith(":" + device.getNumber());
    assertThat(credentials.getTtlSeconds()).isEqualTo(600);
    return credentials;
  }

  private record Allocation(int exitCode, String output) {}

  /**
   * One client allocating a relay and exchanging a packet with a second allocation through it
   * ({@code -y}: client to client), bounded so a silent server cannot hang the test.
   */
  private static Allocation allocate(String username, String password) throws Exception {
    String address = turnAddress();
    int colon = address.lastIndexOf(':');
    List<String> command = new ArrayList<>(List.of("turnutils_uclient", "-y", "-c", "-n", "1", "-m", "1",
        "-p", address.substring(colon + 1), "-u", username, "-w", password, address.substring(0, colon)));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!process.waitFor(CLIENT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      throw new AssertionError("turnutils_uclient did not finish within " + CLIENT_TIMEOUT_SECONDS + " s");
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Allocation(process.exitValue(), output);
  }

  private static String turnAddress() {
    return setting("SEALPOST_TEST_TURN", "127.0.0.1:3479");
  }

  private static String secret() {
    return setting("SEALPOST_TURN_SECRET", "sealpost-dev-turn-secret");
  }

  private static String setting(String name, String fallback) {
    String property = System.getProperty(name);
    if (property != null && !property.isBlank()) {
      return property;
    }
    String env = System.getenv(name);
    return env != null && !env.isBlank() ? env : fallback;
  }
}
