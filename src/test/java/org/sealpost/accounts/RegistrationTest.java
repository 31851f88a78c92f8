package org.sealpost.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;
import static org.sealpost.testing.Await.failure;

import io.vertx.core.http.HttpClientOptions;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.client.RequestFailedException;
import org.sealpost.client.RestClient;
import org.sealpost.limits.Limit;
import org.sealpost.limits.RateLimitConfig;
import org.sealpost.limits.RateLimiters;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.testing.TestServer.Transport;
import org.sealpost.testing.TestServer;

class RegistrationTest {
  @TempDir Path dataDir;
  private TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void invalidNumbersAreRefused() {
    server = new TestServer(dataDir);
    for (String bad : new String[] {"15551234567", "+0551234567", "+1", "+1555123456789012", "+1555abc4567", ""}) {
      Throwable error = failure(server.rest().requestCode(bad));
      assertThat(((RequestFailedException) error).status()).as(bad).isEqualTo(400);
    }
  }

  @Test
  void wrongCodeIsRefusedAndTheCodeIsVoidAfterTheAttemptLimit() {
    server = new TestServer(dataDir);
    String number = TestServer.newNumber();
    String session = await(server.rest().requestCode(number)).getSessionId();
    for (int attempt = 0; attempt < 5; attempt++) {
      Throwable error = failure(server.rest().verify(number, session, "000000", 7, "phone"));
      assertThat(((RequestFailedException) error).status()).isEqualTo(403);
    }

    Throwable afterLimit = failure(server.rest().verify(number, session, TestServer.TEST_CODE, 7, "phone"));

    assertThat(((RequestFailedException) afterLimit).status()).isEqualTo(403);
  }

  @Test
  void codeIsSingleUse() {
    server = new TestServer(dataDir);
    String number = TestServer.newNumber();
    String session = await(server.rest().requestCode(number)).getSessionId();
    await(server.rest().verify(number, session, TestServer.TEST_CODE, 7, "phone"));

    Throwable reuse = failure(server.rest().verify(number, session, TestServer.TEST_CODE, 7, "phone"));

    assertThat(((RequestFailedException) reuse).status()).isEqualTo(403);
  }

  @Test
  void codeRequestsAreRateLimitedPerNumber() {
    server = new TestServer(dataDir, config -> {
      Map<String, RateLimitConfig> limits = new java.util.HashMap<>(RateLimiters.unlimited());
      limits.put(Limit.REGISTRATION_CODE_PER_NUMBER.id(), new RateLimitConfig(2, java.time.Duration.ofHours(1)));
      return config.withLimits(limits);
    });
    String number = TestServer.newNumber();
    await(server.rest().requestCode(number));
    await(server.rest().requestCode(number));

    RequestFailedException limited = (RequestFailedException) failure(server.rest().requestCode(number));

    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.error().getRetryAfterMs()).isPositive();
    await(server.rest().requestCode(TestServer.newNumber()));
  }

  /**
   * Registration lockout from another address (#19, item 8): its code requests open sessions of
   * their own and cannot spend all of the number's budget; its guesses, in its own session or in
   * made-up ones, void nothing of the owner's. The owner's code still works.
   */
  @Test
  void anotherAddressCannotVoidOrReplaceTheOwnersCode() {
    server = new TestServer(dataDir, config -> {
      Map<String, RateLimitConfig> limits = new java.util.HashMap<>(RateLimiters.unlimited());
      for (Limit limit : new Limit[] {Limit.REGISTRATION_CODE_PER_NUMBER, Limit.REGISTRATION_CODE_PER_IP_AND_NUMBER,
          Limit.VERIFY_PER_SESSION}) {
        limits.put(limit.id(), limit.defaults());
      }
      return config.withLimits(limits);
    });
    RestClient attacker = new RestClient(server.clients(), server.httpUri(), null,
        new HttpClientOptions().setLocalAddress("127.0.0.2"));
    String number = TestServer.newNumber();

    await(attacker.requestCode(number));
    String attackers = await(attacker.requestCode(number)).getSessionId();
    RequestFailedException spent = (RequestFailedException) failure(attacker.requestCode(number));
    assertThat(spent.status()).as("a third request from one address").isEqualTo(429);
    String owners = await(server.rest().requestCode(number)).getSessionId();
    assertThat(owners).isNotEqualTo(attackers);

    for (int guess = 0; guess < 5; guess++) {
      assertThat(((RequestFailedException) failure(attacker.verify(number, attackers, String.format("%06d", guess), 7, "x")))
          .status()).isEqualTo(403);
      assertThat(((RequestFailedException) failure(attacker.verify(number, "made-up-" + guess, "000000", 7, "x")))
          .status()).isEqualTo(403);
    }
    assertThat(((RequestFailedException) failure(attacker.verify(number, "", TestServer.TEST_CODE, 7, "x"))).status())
        .as("no session").isEqualTo(400);

    DeviceCredentials registered = await(server.rest().verify(number, owners, TestServer.TEST_CODE, 7, "phone"));
    assertThat(registered.getNumber()).isEqualTo(number);
    await(attacker.close());
  }

  @Test
  void reRegistrationReplacesThePrimaryDevice() {
    server = new TestServer(dataDir);
    String number = TestServer.newNumber();
    DeviceCredentials first = server.register(number);
    var oldConnection = server.device(first);

    DeviceCredentials second = server.register(number);

    oldConnection.awaitClosed(5);
    Throwable old = failure(server.connect(Transport.TCP).authenticate(number, 1, first.getPassword()));
    assertThat(((RequestFailedException) old).status()).isEqualTo(401);
    await(server.connect(Transport.TCP).authenticate(number, 1, second.getPassword()));
  }

  @Test
  void accountSurvivesARestartOnTheSameDataDirectory() {
    server = new TestServer(dataDir);
    DeviceCredentials credentials = server.register();

    server.restart();

    var auth = await(server.connect(Transport.TCP).authenticate(credentials.getNumber(), 1, credentials.getPassword()));
    assertThat(auth.getNumber()).isEqualTo(credentials.getNumber());
  }
}
