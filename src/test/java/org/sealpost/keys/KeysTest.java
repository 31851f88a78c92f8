package org.sealpost.keys;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;
import static org.sealpost.testing.Await.failure;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.client.RequestFailedException;
import org.sealpost.limits.Limit;
import org.sealpost.limits.RateLimitConfig;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.DeviceList;
import org.sealpost.protocol.ErrorBody;
import org.sealpost.protocol.LinkCode;
import org.sealpost.protocol.PreKey;
import org.sealpost.protocol.PreKeyBundle;
import org.sealpost.protocol.PreKeyBundles;
import org.sealpost.protocol.PreKeyCount;
import org.sealpost.protocol.PreKeyUpload;
import org.sealpost.protocol.Request;
import org.sealpost.testing.TestDevice;
import org.sealpost.testing.TestServer;
import org.signal.libsignal.protocol.IdentityKeyPair;
import org.signal.libsignal.protocol.SessionBuilder;
import org.signal.libsignal.protocol.SessionCipher;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.message.CiphertextMessage;
import org.signal.libsignal.protocol.message.PreKeySignalMessage;
import org.signal.libsignal.protocol.state.impl.InMemorySignalProtocolStore;

/**
 * Key distribution through a running server, with real libsignal keys: what one device uploads,
 * another fetches and starts a PQXDH session with.
 */
class KeysTest {
  @TempDir Path dataDir;
  private TestServer server;
  private TestDevice alice;
  private TestDevice bob;
  private TestKeys bobKeys;

  @BeforeEach
  void start() {
    server = new TestServer(dataDir);
    alice = server.device(server.register());
    bob = server.device(server.register());
    bobKeys = new TestKeys(7);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Future<PreKeyCount> upload(TestDevice device, PreKeyUpload keys) {
    return device.connection().call("PUT", "/v1/keys", keys, PreKeyCount.parser());
  }

  private Future<PreKeyBundles> fetch(TestDevice requester, String number, String device) {
    return requester.connection().call("GET", "/v1/keys/" + number + "/" + device, Empty.getDefaultInstance(),
        PreKeyBundles.parser());
  }

  private PreKeyBundle fetchOne(TestDevice requester, TestDevice target) {
    PreKeyBundles bundles = await(fetch(requester, target.number(), String.valueOf(target.deviceId())));
    assertThat(bundles.getNumber()).isEqualTo(target.number());
    assertThat(bundles.getDevicesList()).hasSize(1);
    return bundles.getDevices(0);
  }

  private PreKeyCount count(TestDevice device) {
    return await(device.connection().call("GET", "/v1/keys/count", Empty.getDefaultInstance(), PreKeyCount.parser()));
  }

  private static PreKeyCount counts(int ec, int kyber) {
    return PreKeyCount.newBuilder().setEcCount(ec).setKyberCount(kyber).build();
  }

  private static int status(Future<?> call) {
    return ((RequestFailedException) failure(call)).status();
  }

  /**
   * A new sender (a fresh identity each time) builds a session from the bundle and encrypts; the
   * device's own keys decrypt it.
   */
  private static void assertSessionWorks(PreKeyBundle bundle, String number, TestKeys keys) throws Exception {
    InMemorySignalProtocolStore sender = new InMemorySignalProtocolStore(IdentityKeyPair.generate(), 4242);
    SignalProtocolAddress address = new SignalProtocolAddress(number, bundle.getDeviceId());
    new SessionBuilder(sender, address).process(TestKeys.toLibsignal(bundle));
    SessionCipher cipher = new SessionCipher(sender, address);
    CiphertextMessage message = cipher.encrypt("hello".getBytes(UTF_8));

    byte[] plaintext = new SessionCipher(keys.store(), new SignalProtocolAddress("sender-" + UUID.randomUUID(), 1))
        .decrypt(new PreKeySignalMessage(message.serialize()));

    assertThat(message.getType()).isEqualTo(CiphertextMessage.PREKEY_TYPE);
    assertThat(cipher.getSessionVersion()).isEqualTo(4);
    assertThat(new String(plaintext, UTF_8)).isEqualTo("hello");
  }

  @Test
  void aFetchedBundleStartsASessionTheUploaderCanDecrypt() throws Exception {
    assertThat(await(upload(bob, bobKeys.complete(5, 5)))).isEqualTo(counts(5, 5));

    PreKeyBundle bundle = fetchOne(alice, bob);

    DeviceList bobDevices = await(bob.connection().call("GET", "/v1/devices", Empty.getDefaultInstance(),
        DeviceList.parser()));
    assertThat(bundle.getDeviceId()).isEqualTo(1);
    assertThat(bundle.getRegistrationId()).isEqualTo(bobDevices.getDevices(0).getRegistrationId());
    assertThat(bundle.getIdentityKey()).isEqualTo(bobKeys.identityKey());
    assertThat(bundle.hasOneTimePreKey()).isTrue();
    assertThat(bundle.getKyberPreKey().getKeyId()).isNotEqualTo(TestKeys.LAST_RESORT_ID);
    assertSessionWorks(bundle, bob.number(), bobKeys);
    assertThat(count(bob)).isEqualTo(counts(4, 4));
  }

  @Test
  void aRefillWithoutIdentityKeyIsCheckedAgainstTheStoredOne() {
    await(upload(bob, bobKeys.complete(1, 1)));

    assertThat(await(upload(bob, bobKeys.oneTime(3, 2)))).isEqualTo(counts(4, 3));

    TestKeys stranger = new TestKeys(8);
    PreKeyUpload signedByAnother = stranger.oneTime(0, 1);
    Future<PreKeyCount> refused = upload(bob, signedByAnother.toBuilder().addAllOneTimePreKeys(
        bobKeys.oneTime(2, 0).getOneTimePreKeysList()).build());
    assertThat(status(refused)).isEqualTo(422);
    assertThat(count(bob)).isEqualTo(counts(4, 3));
  }

  @Test
  void aTamperedSignedPreKeySignatureIsRefusedAndNothingStored() {
    PreKeyUpload keys = bobKeys.complete(3, 3);
    PreKeyUpload tampered = keys.toBuilder().setSignedPreKey(TestKeys.tampered(keys.getSignedPreKey())).build();

    RequestFailedException refused = (RequestFailedException) failure(upload(bob, tampered));

    assertThat(refused.status()).isEqualTo(422);
    assertThat(refused.error().getCode()).isEqualTo("UNPROCESSABLE");
    assertThat(refused.error().getMessage()).contains("signedPreKey");
    assertThat(count(bob)).isEqualTo(counts(0, 0));
    assertThat(status(fetch(alice, bob.number(), "1"))).isEqualTo(404);
  }

  @Test
  void aTamperedKyberSignatureIsRefused() {
    PreKeyUpload keys = bobKeys.complete(2, 2);
    PreKeyUpload badLastResort = keys.toBuilder()
        .setLastResortKyberPreKey(TestKeys.tampered(keys.getLastResortKyberPreKey())).build();
    PreKeyUpload badOneTime = keys.toBuilder()
        .setOneTimeKyberPreKeys(1, TestKeys.tampered(keys.getOneTimeKyberPreKeys(1))).build();

    assertThat(status(upload(bob, badLastResort))).isEqualTo(422);
    assertThat(status(upload(bob, badOneTime))).isEqualTo(422);
    assertThat(count(bob)).isEqualTo(counts(0, 0));
    assertThat(await(upload(bob, keys))).isEqualTo(counts(2, 2));
  }

  @Test
  void malformedOversizedAndIncompleteUploadsAreBadRequests() {
    PreKeyUpload keys = bobKeys.complete(1, 1);
    PreKeyUpload notAKey = keys.toBuilder().setOneTimePreKeys(0,
        PreKey.newBuilder().setKeyId(1).setPublicKey(ByteString.copyFromUtf8("not a key"))).build();
    PreKeyUpload badIdentity = keys.toBuilder().setIdentityKey(ByteString.copyFromUtf8("nope")).build();
    PreKeyUpload tooMany = keys.toBuilder().addAllOneTimePreKeys(bobKeys.oneTime(100, 0).getOneTimePreKeysList())
        .build();
    PreKeyUpload noLastResort = keys.toBuilder().clearLastResortKyberPreKey().build();
    PreKeyUpload noIdentity = keys.toBuilder().clearIdentityKey().build();

    assertThat(status(upload(bob, notAKey))).isEqualTo(400);
    assertThat(status(upload(bob, badIdentity))).isEqualTo(400);
    assertThat(status(upload(bob, tooMany))).isEqualTo(400);
    assertThat(status(upload(bob, noLastResort))).isEqualTo(400);
    assertThat(status(upload(bob, noIdentity))).isEqualTo(400);
    assertThat(count(bob)).isEqualTo(counts(0, 0));
  }

  @Test
  void concurrentFetchesFromTwentyConnectionsNeverShareAOneTimeKey() {
    await(upload(bob, bobKeys.complete(25, 25)));
    List<TestDevice> requesters = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      requesters.add(server.device(server.register()));
    }

    List<Future<PreKeyBundles>> fetches = requesters.stream().map(r -> fetch(r, bob.number(), "1")).toList();
    await(Future.all(fetches));
    List<PreKeyBundle> bundles = fetches.stream().map(f -> f.result().getDevices(0)).toList();

    assertThat(bundles).extracting(b -> b.getOneTimePreKey().getKeyId()).hasSize(20).doesNotHaveDuplicates();
    assertThat(bundles).extracting(b -> b.getKyberPreKey().getKeyId()).hasSize(20).doesNotHaveDuplicates()
        .doesNotContain(TestKeys.LAST_RESORT_ID);
    assertThat(count(bob)).isEqualTo(counts(5, 5));
  }

  @Test
  void whenOneTimeKeysRunOutTheLastResortKeyStillMakesSessions() throws Exception {
    await(upload(bob, bobKeys.complete(1, 1)));

    PreKeyBundle first = fetchOne(alice, bob);
    PreKeyBundle second = fetchOne(alice, bob);
    PreKeyBundle third = fetchOne(alice, bob);

    assertThat(first.hasOneTimePreKey()).isTrue();
    assertThat(first.getKyberPreKey().getKeyId()).isNotEqualTo(TestKeys.LAST_RESORT_ID);
    assertThat(second.hasOneTimePreKey()).isFalse();
    assertThat(second.getKyberPreKey().getKeyId()).isEqualTo(TestKeys.LAST_RESORT_ID);
    assertThat(third.getKyberPreKey()).isEqualTo(second.getKyberPreKey());
    assertSessionWorks(second, bob.number(), bobKeys);
    assertSessionWorks(third, bob.number(), bobKeys);
  }

  @Test
  void aFetchThatLeavesFewKeysAsksTheConnectedDeviceForMore() {
    int plenty = KeysService.LOW_KEY_THRESHOLD + 1;
    await(upload(bob, bobKeys.complete(plenty, plenty)));

    fetchOne(alice, bob);
    fetchOne(alice, bob);
    Request keysLow = bob.nextRequest(10);

    // The first event already reports one below the threshold: none was sent at the threshold.
    assertThat(keysLow.getVerb()).isEqualTo("PUT");
    assertThat(keysLow.getPath()).isEqualTo("/v1/keys/low");
    assertThat(parseCount(keysLow)).isEqualTo(counts(plenty - 2, plenty - 2));
  }

  private static PreKeyCount parseCount(Request request) {
    try {
      return PreKeyCount.parseFrom(request.getBody());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void fetchingAllDevicesReturnsEachDeviceThatHasKeys() throws Exception {
    LinkCode code = await(bob.connection().call("POST", "/v1/devices/link-code", Empty.getDefaultInstance(),
        LinkCode.parser()));
    TestDevice laptop = server.device(await(server.rest().link(bob.number(), code.getCode(), 99, "laptop")));
    TestKeys laptopKeys = new TestKeys(99);
    await(upload(bob, bobKeys.complete(2, 2)));
    await(upload(laptop, laptopKeys.complete(2, 2)));
    LinkCode another = await(bob.connection().call("POST", "/v1/devices/link-code", Empty.getDefaultInstance(),
        LinkCode.parser()));
    await(server.rest().link(bob.number(), another.getCode(), 98, "tablet without keys"));

    PreKeyBundles all = await(fetch(alice, bob.number(), "*"));

    assertThat(all.getDevicesList()).extracting(PreKeyBundle::getDeviceId).containsExactlyInAnyOrder(1, 2);
    PreKeyBundle laptopBundle = all.getDevicesList().stream().filter(b -> b.getDeviceId() == 2).findFirst()
        .orElseThrow();
    assertThat(laptopBundle.getRegistrationId()).isEqualTo(99);
    assertSessionWorks(laptopBundle, bob.number(), laptopKeys);
    assertThat(status(fetch(alice, bob.number(), "3"))).isEqualTo(404);
  }

  @Test
  void unknownAccountsAndDevicesAreNotFound() {
    await(upload(bob, bobKeys.complete(1, 1)));

    assertThat(status(fetch(alice, "+15559999999", "1"))).isEqualTo(404);
    assertThat(status(fetch(alice, "+15559999999", "*"))).isEqualTo(404);
    assertThat(status(fetch(alice, bob.number(), "2"))).isEqualTo(404);
    assertThat(status(fetch(alice, alice.number(), "*"))).isEqualTo(404);
    assertThat(status(fetch(alice, bob.number(), "first"))).isEqualTo(400);
  }

  @Test
  void reRegistrationClearsTheKeysAndTheNextFetchHasTheNewIdentity() {
    await(upload(bob, bobKeys.complete(3, 3)));
    assertThat(fetchOne(alice, bob).getIdentityKey()).isEqualTo(bobKeys.identityKey());

    DeviceCredentials reRegistered = server.register(bob.number());
    bob.awaitClosed(5);
    TestDevice newBob = server.device(reRegistered);
    assertThat(status(fetch(alice, bob.number(), "1"))).isEqualTo(404);
    assertThat(count(newBob)).isEqualTo(counts(0, 0));

    TestKeys newKeys = new TestKeys(7);
    await(upload(newBob, newKeys.complete(1, 1)));
    PreKeyBundle bundle = fetchOne(alice, newBob);

    assertThat(bundle.getIdentityKey()).isEqualTo(newKeys.identityKey()).isNotEqualTo(bobKeys.identityKey());
  }

  @Test
  void aNewIdentityKeyReplacesTheOldKeys() {
    await(upload(bob, bobKeys.complete(3, 3)));
    TestKeys reinstalled = new TestKeys(7);

    assertThat(await(upload(bob, reinstalled.complete(1, 0)))).isEqualTo(counts(1, 0));

    PreKeyBundle bundle = fetchOne(alice, bob);
    assertThat(bundle.getIdentityKey()).isEqualTo(reinstalled.identityKey());
    assertThat(bundle.getKyberPreKey().getKeyId()).isEqualTo(TestKeys.LAST_RESORT_ID);
  }

  @Test
  void fetchesAreRateLimitedPerRequestingDevice(@TempDir Path limitedDir) {
    try (TestServer limited = new TestServer(limitedDir, config -> {
      Map<String, RateLimitConfig> limits = new HashMap<>(config.limits());
      limits.put(Limit.KEY_FETCH_PER_DEVICE.id(), new RateLimitConfig(2, Duration.ofHours(1)));
      return config.withLimits(limits);
    })) {
      TestDevice owner = limited.device(limited.register());
      TestDevice greedy = limited.device(limited.register());
      TestDevice other = limited.device(limited.register());
      await(upload(owner, bobKeys.complete(10, 10)));

      await(fetch(greedy, owner.number(), "1"));
      await(fetch(greedy, owner.number(), "*"));
      RequestFailedException limitedFetch = (RequestFailedException) failure(fetch(greedy, owner.number(), "1"));

      ErrorBody error = limitedFetch.error();
      assertThat(limitedFetch.status()).isEqualTo(429);
      assertThat(error.getRetryAfterMs()).isPositive();
      assertThat(await(fetch(other, owner.number(), "1")).getDevicesCount()).isEqualTo(1);
      assertThat(count(owner)).isEqualTo(counts(7, 7));
    }
  }

  @Test
  void oneAccountCannotDrainAnothersOneTimeKeysNorCanManyTogether(@TempDir Path limitedDir) {
    try (TestServer limited = new TestServer(limitedDir, config -> {
      Map<String, RateLimitConfig> limits = new HashMap<>(config.limits());
      limits.put(Limit.KEY_FETCH_PER_ACCOUNT_PAIR.id(), new RateLimitConfig(3, Duration.ofHours(1)));
      limits.put(Limit.KEY_FETCH_PER_TARGET.id(), new RateLimitConfig(6, Duration.ofHours(1)));
      return config.withLimits(limits);
    })) {
      TestDevice victim = limited.device(limited.register());
      TestDevice greedy = limited.device(limited.register());
      await(upload(victim, bobKeys.complete(20, 20)));

      // one account: three fetches, then 429 until its bucket refills, and nothing more is taken
      for (int i = 0; i < 3; i++) {
        await(fetch(greedy, victim.number(), "1"));
      }
      RequestFailedException limitedFetch = (RequestFailedException) failure(fetch(greedy, victim.number(), "*"));
      assertThat(limitedFetch.status()).isEqualTo(429);
      assertThat(limitedFetch.error().getRetryAfterMs()).isPositive();
      assertThat(count(victim)).isEqualTo(counts(17, 17));

      // many accounts together: three more fetches in all, then the target's own bucket is empty
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        TestDevice helper = limited.device(limited.register());
        Future<PreKeyBundles> fetched = fetch(helper, victim.number(), "1");
        statuses.add(awaitStatus(fetched));
      }
      assertThat(statuses).containsExactly(200, 200, 200, 429, 429);
      assertThat(count(victim)).isEqualTo(counts(14, 14));

      // the victim's own other contacts are not the greedy one's business: another account's keys are still served
      TestDevice other = limited.device(limited.register());
      await(upload(other, new TestKeys(9).complete(5, 5)));
      assertThat(await(fetch(greedy, other.number(), "1")).getDevicesCount()).isEqualTo(1);
    }
  }

  private static int awaitStatus(Future<?> call) {
    try {
      await(call);
      return 200;
    } catch (RuntimeException e) {
      return status(call);
    }
  }
}
