package org.sealpost.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sealpost.testing.Await.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.client.RequestFailedException;
import org.sealpost.config.PushConfig;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.PushToken;
import org.sealpost.protocol.PushType;
import org.sealpost.protocol.ReadReceiptRequest;
import org.sealpost.push.FakeProviders.Received;
import org.sealpost.push.FakeProviders.Reply;
import org.sealpost.testing.Await;
import org.sealpost.testing.TestDevice;
import org.sealpost.testing.TestServer;

/**
 * Wake-up pushes end to end: a real server pushing to local stand-ins of APNs, FCM (and its OAuth2
 * token endpoint) and a webhook receiver over HTTPS/HTTP/2, which check each request exactly and
 * answer with the providers' documented responses.
 */
class PushTest {
  private static final String TEAM_ID = "TEAM123456";
  private static final String KEY_ID = "KEY7890ABC";
  private static final String TOPIC = "org.sealpost.app";
  private static final String CLIENT_EMAIL = "push@sealpost-test.iam.gserviceaccount.com";
  private static final String PROJECT = "sealpost-test";
  private static final Duration MIN_INTERVAL = Duration.ofSeconds(2);

  @TempDir static Path dir;
  private static FakeProviders providers;
  private static TestServer server;
  private static KeyPair apnsKey;
  private static KeyPair fcmKey;
  private static int tokens;

  @BeforeAll
  static void start() throws Exception {
    Process process = new ProcessBuilder("bash", "scripts/dev-cert.sh", dir.resolve("tls").toString()).inheritIO().start();
    assertThat(process.waitFor()).isZero();
    Path cert = dir.resolve("tls/cert.pem");
    providers = new FakeProviders(cert, dir.resolve("tls/key.pem"));

    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    apnsKey = ec.generateKeyPair();
    Path p8 = dir.resolve("AuthKey_" + KEY_ID + ".p8");
    Files.writeString(p8, pem(apnsKey.getPrivate().getEncoded()));
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    fcmKey = rsa.generateKeyPair();
    Path serviceAccount = dir.resolve("service-account.json");
    Files.writeString(serviceAccount, new JsonObject().put("type", "service_account").put("project_id", PROJECT)
        .put("private_key_id", "kid-1").put("private_key", pem(fcmKey.getPrivate().getEncoded()))
        .put("client_email", CLIENT_EMAIL).put("token_uri", providers.endpoint() + "/token").encode());

    PushConfig push = new PushConfig(
        new PushConfig.ApnsConfig(true, providers.endpoint(), TEAM_ID, KEY_ID, p8.toString(), TOPIC),
        new PushConfig.FcmConfig(true, providers.endpoint(), serviceAccount.toString(), ""),
        new PushConfig.WebhookConfig(true, true),
        cert.toString(), MIN_INTERVAL, 4, Duration.ofMillis(200), Duration.ofSeconds(10));
    server = new TestServer(dir.resolve("data"), config -> config.withPush(push));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (providers != null) {
      providers.close();
    }
  }

  @Test
  void anOfflineDeviceGetsOneApnsWakeUpForSeveralMessagesAndNoneOnceItConnected() throws Exception {
    DeviceCredentials bob = server.register();
    String token = apnsToken();
    register(bob, PushToken.newBuilder().setType(PushType.APNS).setToken(token).build());
    try (TestDevice alice = server.device(server.register())) {
      for (int i = 0; i < 3; i++) {
        alice.send(bob.getNumber(), List.of(1), TestDevice.newMessageId(), "secret text " + i);
      }
    }

    Received push = providers.next(token, 10_000);
    assertThat(push).as("APNs request").isNotNull();
    assertThat(push.method()).isEqualTo("POST");
    assertThat(push.path()).isEqualTo("/3/device/" + token);
    assertThat(push.version()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(push.header("apns-topic")).isEqualTo(TOPIC);
    assertThat(push.header("apns-push-type")).isEqualTo("background");
    assertThat(push.header("apns-priority")).isEqualTo("5");
    assertThat(push.header("apns-collapse-id")).isEqualTo("sealpost-wake");
    assertThat(Long.parseLong(push.header("apns-expiration"))).isGreaterThan(System.currentTimeMillis() / 1000);
    assertThat(push.header("authorization")).startsWith("bearer ");
    JsonObject[] jwt = verifiedJwt(push.header("authorization").substring(7), "SHA256withECDSAinP1363Format",
        apnsKey.getPublic());
    assertThat(jwt[0].getString("alg")).isEqualTo("ES256");
    assertThat(jwt[0].getString("kid")).isEqualTo(KEY_ID);
    assertThat(jwt[1].getString("iss")).isEqualTo(TEAM_ID);
    assertThat(jwt[1].getLong("iat")).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(3600L));
    assertThat(push.json()).isEqualTo(new JsonObject().put("aps", new JsonObject().put("content-available", 1)));
    assertThat(push.body().toString()).doesNotContain("secret");

    // The woken device connects and fetches everything: the folded requests push nothing more.
    double skipped = pushes("connected", "none");
    try (TestDevice bobDevice = server.device(bob)) {
      assertThat(bobDevice.take(3, 10)).hasSize(3);
      // At the interval's end the server decides on the folded requests: once it has counted the
      // trailing wake-up as skipped for a connected device, no request was or will be made.
      Await.until("the trailing wake-up skipped", Duration.ofSeconds(10),
          () -> pushes("connected", "none") > skipped);
      assertThat(providers.next(token, 0)).as("second APNs request").isNull();
    }
  }

  /**
   * A device that stays offline is woken again (#20 item 14): messages within the fold interval
   * make a trailing wake-up at its end (not none, not one before the interval is over).
   */
  @Test
  void aDeviceThatStaysOfflineIsWokenAgainAfterTheFoldInterval() throws Exception {
    DeviceCredentials bob = server.register();
    String token = apnsToken();
    register(bob, PushToken.newBuilder().setType(PushType.APNS).setToken(token).build());
    try (TestDevice alice = server.device(server.register())) {
      alice.send(bob.getNumber(), List.of(1), TestDevice.newMessageId(), "first");
      assertThat(providers.next(token, 10_000)).as("the first wake-up").isNotNull();
      long first = System.nanoTime();
      for (int i = 0; i < 3; i++) {
        alice.send(bob.getNumber(), List.of(1), TestDevice.newMessageId(), "more " + i);
      }
      assertThat(providers.next(token, 10_000)).as("the trailing wake-up of a device still offline").isNotNull();
      assertThat(Duration.ofNanos(System.nanoTime() - first)).as("folded until the interval's end")
          .isGreaterThanOrEqualTo(MIN_INTERVAL.minusMillis(100));
    }
  }

  @Test
  void receiptsEphemeralAndConnectedDevicesWakeNobody() throws Exception {
    DeviceCredentials aliceCredentials = server.register();
    String hook = "hook-" + (++tokens);
    register(aliceCredentials, webhook(hook));
    DeviceCredentials bobCredentials = server.register();
    String bobHook = "hook-" + (++tokens);
    register(bobCredentials, webhook(bobHook));

    ByteString id = TestDevice.newMessageId();
    try (TestDevice alice = server.device(aliceCredentials)) {
      alice.send(bobCredentials.getNumber(), List.of(1), id, "hello");
      assertThat(providers.next(bobHook, 10_000)).as("bob's wake-up").isNotNull();
    }
    // Alice is offline now: bob's delivery and read receipts, and his ephemeral message, are queued
    // or dropped without waking her.
    try (TestDevice bob = server.device(bobCredentials)) {
      bob.next(10);
      double requested = pushes("requested", "none");
      await(bob.connection().call("PUT", "/v1/receipts/read", ReadReceiptRequest.newBuilder()
          .setDestination(aliceCredentials.getNumber()).addMessageIds(id).setTimestamp(1).build(), Empty.parser()));
      await(bob.sendRaw(TestDevice.request(aliceCredentials.getNumber(), List.of(1), TestDevice.newMessageId(),
          "typing-ish", true)));
      // The control: a message to her while she is offline wakes her, and is the one push asked for.
      bob.send(aliceCredentials.getNumber(), List.of(1), TestDevice.newMessageId(), "while she is away");
      Received push = providers.next(hook, 10_000);
      assertThat(push).as("alice's wake-up").isNotNull();
      assertThat(push.path()).isEqualTo("/hook/" + hook);
      assertThat(push.json()).isEqualTo(new JsonObject().put("sealpost", "wake"));
      assertThat(pushes("requested", "none") - requested).as("pushes asked for receipts, ephemeral and the control")
          .isEqualTo(1);

      // A connected device is not pushed either; an offline one is again.
      try (TestDevice alice = server.device(aliceCredentials)) {
        alice.take(3, 10);
        requested = pushes("requested", "none");
        bob.send(aliceCredentials.getNumber(), List.of(1), TestDevice.newMessageId(), "while connected");
        alice.next(10);
      }
      bob.send(aliceCredentials.getNumber(), List.of(1), TestDevice.newMessageId(), "after she left");
      assertThat(providers.next(hook, 10_000)).as("alice's second wake-up").isNotNull();
      assertThat(pushes("requested", "none") - requested).as("pushes asked for while and after she was connected")
          .isEqualTo(1);
    }
  }

  @Test
  void beingAddedToAGroupWakesAnOfflineMember() throws Exception {
    DeviceCredentials carol = server.register();
    String hook = "hook-" + (++tokens);
    register(carol, webhook(hook));
    try (TestDevice alice = server.device(server.register())) {
      await(alice.connection().call("POST", "/v1/groups", org.sealpost.protocol.CreateGroupRequest.newBuilder()
          .addMembers(carol.getNumber()).build(), org.sealpost.protocol.Group.parser()));
    }
    Received push = providers.next(hook, 10_000);
    assertThat(push).as("carol's wake-up for the group event").isNotNull();
    assertThat(push.json()).isEqualTo(new JsonObject().put("sealpost", "wake"));
  }

  @Test
  void anUnregisteredApnsTokenIsRemoved() throws Exception {
    DeviceCredentials bob = server.register();
    String token = apnsToken();
    providers.script(token, new Reply(410, null, "{\"reason\":\"Unregistered\",\"timestamp\":1700000000000}"));
    register(bob, PushToken.newBuilder().setType(PushType.APNS).setToken(token).setTopic("org.example.other").build());
    try (TestDevice alice = server.device(server.register())) {
      alice.send(bob.getNumber(), List.of(1), TestDevice.newMessageId(), "hi");
    }
    Received push = providers.next(token, 10_000);
    assertThat(push).isNotNull();
    assertThat(push.header("apns-topic")).isEqualTo("org.example.other");
    Await.until("the dead token removed", Duration.ofSeconds(10), () -> tokenStatus(bob) == 404);
  }

  @Test
  void aBadFcmTokenAndAGoneWebhookAreRemoved() throws Exception {
    DeviceCredentials bob = server.register();
    String token = "fcm-dead-" + (++tokens);
    providers.script(token, new Reply(400, null, fcmError(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT")));
    register(bob, PushToken.newBuilder().setType(PushType.FCM).setToken(token).build());
    DeviceCredentials carol = server.register();
    String hook = "hook-" + (++tokens);
    providers.script(hook, new Reply(410, null, ""));
    register(carol, webhook(hook));
    try (TestDevice alice = server.device(server.register())) {
      alice.send(bob.getNumber(), List.of(1), TestDevice.newMessageId(), "hi");
      alice.send(carol.getNumber(), List.of(1), TestDevice.newMessageId(), "hi");
    }
    assertThat(providers.next(token, 10_000)).isNotNull();
    assertThat(providers.next(hook, 10_000)).isNotNull();
    Await.until("the dead tokens removed", Duration.ofSeconds(10),
        () -> tokenStatus(bob) == 404 && tokenStatus(carol) == 404);
  }

  @Test
  void throttledAndUnavailableFcmIsRetriedUntilItSucceeds() throws Exception {
    DeviceCredentials bob = server.register();
    String token = "fcm-" + (++tokens);
    providers.script(token, new Reply(429, "1", fcmError(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED")),
        new Reply(503, null, fcmError(503, "UNAVAILABLE", "UNAVAILABLE")));
    register(bob, PushToken.newBuilder().setType(PushType.FCM).setToken(token).build());
    double delivered = pushes("delivered", "fcm");
    long sent = System.nanoTime();
    try (TestDevice alice = server.device(server.register())) {
      alice.send(bob.getNumber(), List.of(1), TestDevice.newMessageId(), "secret text");
    }

    Received first = providers.next(token, 10_000);
    Received second = providers.next(token, 10_000);
    Received third = providers.next(token, 10_000);
    assertThat(third).as("the third attempt").isNotNull();
    assertThat(Duration.ofNanos(System.nanoTime() - sent)).as("Retry-After honoured").isGreaterThan(Duration.ofSeconds(1));
    Await.until("the FCM success counted", Duration.ofSeconds(10), () -> pushes("delivered", "fcm") > delivered);
    assertThat(providers.next(token, 0)).as("a fourth attempt after success").isNull();
    for (Received push : List.of(first, second, third)) {
      assertThat(push.path()).isEqualTo("/v1/projects/" + PROJECT + "/messages:send");
      assertThat(push.version()).isEqualTo(HttpVersion.HTTP_2);
      assertThat(push.header("authorization")).startsWith("Bearer ya29.test-");
      assertThat(push.json()).isEqualTo(new JsonObject().put("message", new JsonObject().put("token", token)
          .put("data", new JsonObject().put("sealpost", "wake"))
          .put("android", new JsonObject().put("priority", "high").put("collapse_key", "sealpost-wake"))));
    }

    assertThat(server.server().meters().counter("sealpost.push", "result", "retry", "provider", "fcm").count())
        .isGreaterThanOrEqualTo(2);
    assertThat(server.server().meters().counter("sealpost.push", "result", "delivered", "provider", "fcm").count())
        .isGreaterThanOrEqualTo(1);

    // The access token came from the service account's signed assertion.
    Received oauth = providers.next("oauth", 1_000);
    assertThat(oauth).as("OAuth2 token request").isNotNull();
    assertThat(oauth.header("content-type")).isEqualTo("application/x-www-form-urlencoded");
    Map<String, String> form = form(oauth.body().toString());
    assertThat(form.get("grant_type")).isEqualTo("urn:ietf:params:oauth:grant-type:jwt-bearer");
    JsonObject[] jwt = verifiedJwt(form.get("assertion"), "SHA256withRSA", fcmKey.getPublic());
    assertThat(jwt[0].getString("alg")).isEqualTo("RS256");
    assertThat(jwt[1].getString("iss")).isEqualTo(CLIENT_EMAIL);
    assertThat(jwt[1].getString("aud")).isEqualTo(providers.endpoint() + "/token");
    assertThat(jwt[1].getString("scope")).isEqualTo("https://www.googleapis.com/auth/firebase.messaging");
    assertThat(jwt[1].getLong("exp") - jwt[1].getLong("iat")).isEqualTo(3600);
  }

  @Test
  void anExpiredApnsProviderTokenIsRenewedAndTheWakeUpRetried() throws Exception {
    DeviceCredentials bob = server.register();
    String token = apnsToken();
    providers.script(token, new Reply(403, null, "{\"reason\":\"ExpiredProviderToken\"}"));
    register(bob, PushToken.newBuilder().setType(PushType.APNS).setToken(token).build());
    try (TestDevice alice = server.device(server.register())) {
      alice.send(bob.getNumber(), List.of(1), TestDevice.newMessageId(), "hi");
    }
    Received refused = providers.next(token, 10_000);
    Received retried = providers.next(token, 10_000);
    assertThat(retried).isNotNull();
    assertThat(retried.header("authorization")).isNotEqualTo(refused.header("authorization"));
    verifiedJwt(retried.header("authorization").substring(7), "SHA256withECDSAinP1363Format", apnsKey.getPublic());
    assertThat(tokenStatus(bob)).isEqualTo(200);
  }

  @Test
  void registrationChecksTokensAndReRegistrationForgetsThem() throws Exception {
    DeviceCredentials bob = server.register();
    assertThat(tokenStatus(bob)).isEqualTo(404);
    assertStatus(bob, PushToken.newBuilder().setType(PushType.WEBHOOK).setUrl("http://example.com/hook").build(), 400);
    assertStatus(bob, PushToken.newBuilder().setType(PushType.WEBHOOK).setUrl("https://user:pw@example.com/").build(), 400);
    assertStatus(bob, PushToken.newBuilder().setType(PushType.APNS).setToken("not hex").build(), 400);
    assertStatus(bob, PushToken.newBuilder().setToken("abc").build(), 400);
    PushToken token = PushToken.newBuilder().setType(PushType.WEBHOOK).setUrl("https://push.example.com/up/1").build();
    register(bob, token);
    assertThat(await(server.rest().call(HttpMethod.GET, "/v1/push/token", bob, Empty.getDefaultInstance(),
        PushToken.parser()))).isEqualTo(token);

    DeviceCredentials newOwner = server.register(bob.getNumber());
    assertThat(tokenStatus(newOwner)).as("the previous owner's token").isEqualTo(404);
    register(newOwner, token);
    await(server.rest().call(HttpMethod.DELETE, "/v1/push/token", newOwner, Empty.getDefaultInstance(), Empty.parser()));
    assertThat(tokenStatus(newOwner)).isEqualTo(404);
  }

  /** The server's count of push decisions with this result (sealpost_push_total). */
  private static double pushes(String result, String provider) {
    return server.server().meters().counter("sealpost.push", "result", result, "provider", provider).count();
  }

  private static PushToken webhook(String id) {
    return PushToken.newBuilder().setType(PushType.WEBHOOK).setUrl(providers.endpoint() + "/hook/" + id).build();
  }

  private static String apnsToken() {
    return String.format("%064x", ++tokens);
  }

  private static void register(DeviceCredentials device, PushToken token) {
    await(server.rest().call(HttpMethod.PUT, "/v1/push/token", device, token, Empty.parser()));
  }

  private static void assertStatus(DeviceCredentials device, PushToken token, int status) {
    assertThatThrownBy(() -> register(device, token)).isInstanceOfSatisfying(RequestFailedException.class,
        e -> assertThat(e.status()).isEqualTo(status));
  }

  private static int tokenStatus(DeviceCredentials device) {
    try {
      await(server.rest().call(HttpMethod.GET, "/v1/push/token", device, Empty.getDefaultInstance(), PushToken.parser()));
      return 200;
    } catch (RequestFailedException e) {
      return e.status();
    }
  }

  private static String fcmError(int code, String status, String errorCode) {
    return new JsonObject().put("error", new JsonObject().put("code", code).put("message", "test").put("status", status)
        .put("details", new io.vertx.core.json.JsonArray().add(new JsonObject()
            .put("@type", "type.googleapis.com/google.firebase.fcm.v1.FcmError").put("errorCode", errorCode)))).encode();
  }

  /** The header and claims of a compact JWS whose signature verifies with {@code key}. */
  private static JsonObject[] verifiedJwt(String jwt, String algorithm, PublicKey key) throws Exception {
    String[] parts = jwt.split("\\.");
    assertThat(parts).hasSize(3);
    Signature signature = Signature.getInstance(algorithm);
    signature.initVerify(key);
    signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertThat(signature.verify(Base64.getUrlDecoder().decode(parts[2]))).as("JWT signature").isTrue();
    Base64.Decoder decoder = Base64.getUrlDecoder();
    return new JsonObject[] {
        new JsonObject(new String(decoder.decode(parts[0]), StandardCharsets.UTF_8)),
        new JsonObject(new String(decoder.decode(parts[1]), StandardCharsets.UTF_8))};
  }

  private static Map<String, String> form(String body) {
    Map<String, String> fields = new HashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return fields;
  }

  private static String pem(byte[] pkcs8) {
    return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(pkcs8) + "\n-----END PRIVATE KEY-----\n";
  }
}
