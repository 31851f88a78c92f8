package org.sealpost.limits;

import static org.sealpost.limits.Attempts.loginFrom;
import static org.sealpost.limits.Attempts.refusal;
import static org.sealpost.limits.Attempts.restFrom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;
import static org.sealpost.testing.Await.failure;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.client.RequestFailedException;
import org.sealpost.client.RestClient;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.Envelope;
import org.sealpost.protocol.ErrorBody;
import org.sealpost.protocol.LinkCode;
import org.sealpost.protocol.ReadReceiptRequest;
import org.sealpost.protocol.Response;
import org.sealpost.testing.TestDevice;
import org.sealpost.testing.TestServer;

/**
 * The rate limits users meet, end to end over the wire and HTTP: each one stops the request after
 * its bucket with a typed 429 and a retry-after, touches nothing the request would have, and holds
 * only the key it is for (one device, one address, one session, one account).
 */
class RateLimitsTest {
  /** Never refills within a test: whatever gets through after the bucket is a bug. */
  private static final Duration NO_REFILL = Duration.ofHours(1);

  @TempDir Path dataDir;
  private TestServer server;

  @BeforeEach
  void start() {
    Map<String, RateLimitConfig> limits = new HashMap<>(RateLimiters.unlimited());
    limits.put(Limit.MESSAGES_PER_DEVICE.id(), new RateLimitConfig(3, NO_REFILL));
    limits.put(Limit.AUTH_FAILURE_PER_IP.id(), new RateLimitConfig(2, NO_REFILL));
    limits.put(Limit.VERIFY_PER_IP.id(), new RateLimitConfig(12, NO_REFILL));
    limits.put(Limit.VERIFY_PER_SESSION.id(), new RateLimitConfig(3, NO_REFILL));
    limits.put(Limit.LINK_DEVICE_PER_NUMBER.id(), new RateLimitConfig(2, NO_REFILL));
    server = new TestServer(dataDir, config -> config.withLimits(limits));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aDeviceOverItsMessageBudgetIsRefusedAndNothingOfItIsDelivered() throws Exception {
    TestDevice alice = server.device(server.register());
    TestDevice carol = server.device(server.register());
    TestDevice bob = server.device(server.register());
    List<ByteString> sent = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ByteString id = TestDevice.newMessageId();
      alice.send(bob.number(), List.of(1), id, "within budget " + i);
      sent.add(id);
    }

    Response refused = await(alice.sendRaw(
        TestDevice.request(bob.number(), List.of(1), TestDevice.newMessageId(), "over budget", false)));
    assertRateLimited(refused.getStatus(), ErrorBody.parseFrom(refused.getBody()));

    ByteString control = TestDevice.newMessageId();
    carol.send(bob.number(), List.of(1), control, "another sender's budget is its own");
    List<ByteString> received = new ArrayList<>();
    for (Envelope envelope = bob.next(); !envelope.getMessageId().equals(control); envelope = bob.next()) {
      received.add(envelope.getMessageId());
    }
    assertThat(received).as("everything bob got before carol's message").containsExactlyElementsOf(sent);
  }

  @Test
  void readReceiptsSpendTheMessageBudgetSoTheyCannotFloodAQueue() throws Exception {
    TestDevice alice = server.device(server.register());
    TestDevice carol = server.device(server.register());
    TestDevice bob = server.device(server.register());
    for (int i = 0; i < 3; i++) {
      await(alice.connection().call("PUT", "/v1/receipts/read", readReceipt(bob.number()), Empty.parser()));
    }

    Response refused = await(alice.connection().request("PUT", "/v1/receipts/read", readReceipt(bob.number())));
    assertRateLimited(refused.getStatus(), ErrorBody.parseFrom(refused.getBody()));
    Response message = await(alice.sendRaw(
        TestDevice.request(bob.number(), List.of(1), TestDevice.newMessageId(), "over budget", false)));
    assertThat(message.getStatus()).as("a message after them, from the same budget").isEqualTo(429);
    ByteString control = TestDevice.newMessageId();
    carol.send(bob.number(), List.of(1), control, "another sender's budget is its own");
    assertThat(bob.take(4, 10)).extracting(Envelope::getType).as("three receipts, then carol's message")
        .containsExactly(Envelope.Type.READ_RECEIPT, Envelope.Type.READ_RECEIPT, Envelope.Type.READ_RECEIPT,
            Envelope.Type.MESSAGE);
  }

  private static ReadReceiptRequest readReceipt(String destination) {
    return ReadReceiptRequest.newBuilder().setDestination(destination)
        .addMessageIds(TestDevice.newMessageId()).setTimestamp(1).build();
  }

  @Test
  void failedLoginsFromOneAddressAreLimitedWhileItsRightPasswordAndOtherAddressesStillWork() {
    DeviceCredentials alice = server.register();
    for (int i = 0; i < 2; i++) {
      assertThat(loginFrom(server, "127.0.0.2", alice, "wrong " + i)).isEqualTo(401);
    }

    assertThat(loginFrom(server, "127.0.0.2", alice, "wrong again")).as("past the bucket").isEqualTo(429);
    assertThat(loginFrom(server, "127.0.0.3", alice, "wrong elsewhere")).as("another address").isEqualTo(401);
    assertThat(loginFrom(server, "127.0.0.2", alice, alice.getPassword())).as("the right password").isEqualTo(200);
  }

  @Test
  void codeGuessesAreLimitedPerSessionAndPerAddress() {
    RestClient guesser = restFrom(server, "127.0.0.2");
    String number = TestServer.newNumber();
    String session = await(guesser.requestCode(number)).getSessionId();
    for (int guess = 0; guess < 3; guess++) {
      assertThat(refusal(guesser.verify(number, session, String.format("%06d", guess), 7, "x"))).isEqualTo(403);
    }

    RequestFailedException spent = (RequestFailedException) failure(
        guesser.verify(number, session, TestServer.TEST_CODE, 7, "x"));
    assertRateLimited(spent.status(), spent.error());

    // Another session of the same number from the same address has a budget of its own, until the
    // address's own runs out (12 in all: 4 spent above, 8 more here, then the 13th is refused).
    String next = await(guesser.requestCode(number)).getSessionId();
    for (int guess = 0; guess < 3; guess++) {
      assertThat(refusal(guesser.verify(number, next, String.format("%06d", 10 + guess), 7, "x"))).isEqualTo(403);
    }
    String third = await(guesser.requestCode(number)).getSessionId();
    for (int guess = 0; guess < 3; guess++) {
      assertThat(refusal(guesser.verify(number, third, String.format("%06d", 20 + guess), 7, "x"))).isEqualTo(403);
    }
    String fourth = await(guesser.requestCode(number)).getSessionId();
    for (int guess = 0; guess < 2; guess++) {
      assertThat(refusal(guesser.verify(number, fourth, String.format("%06d", 30 + guess), 7, "x"))).isEqualTo(403);
    }
    assertThat(refusal(guesser.verify(number, fourth, TestServer.TEST_CODE, 7, "x")))
        .as("the address's 13th attempt, though its session has budget left").isEqualTo(429);

    String owners = await(server.rest().requestCode(number)).getSessionId();
    DeviceCredentials registered = await(server.rest().verify(number, owners, TestServer.TEST_CODE, 7, "phone"));
    assertThat(registered.getNumber()).isEqualTo(number);
  }

  @Test
  void linkAttemptsAreLimitedPerAccount() {
    TestDevice primary = server.device(server.register());
    LinkCode code = await(primary.connection().call("POST", "/v1/devices/link-code", Empty.getDefaultInstance(),
        LinkCode.parser()));
    RestClient guesser = restFrom(server, "127.0.0.2");
    for (int guess = 0; guess < 2; guess++) {
      assertThat(refusal(guesser.link(primary.number(), "WRONGCODE" + guess, 7, "tablet"))).isEqualTo(403);
    }

    RequestFailedException spent = (RequestFailedException) failure(
        server.rest().link(primary.number(), code.getCode(), 7, "tablet"));
    assertRateLimited(spent.status(), spent.error());
    assertThat(refusal(server.rest().link(server.register().getNumber(), "WRONGCODE", 7, "tablet")))
        .as("another account").isEqualTo(403);
  }

  private static void assertRateLimited(int status, ErrorBody error) {
    assertThat(status).isEqualTo(429);
    assertThat(error.getCode()).isEqualTo("RATE_LIMITED");
    assertThat(error.getRetryAfterMs()).isPositive();
  }
}
