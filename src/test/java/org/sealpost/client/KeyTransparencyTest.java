package org.sealpost.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;
import static org.sealpost.testing.Await.failure;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.api.DeviceKey;
import org.sealpost.keys.TestKeys;
import org.sealpost.merkle.TreeHead;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.KeyLogEntry;
import org.sealpost.protocol.LinkCode;
import org.sealpost.protocol.PreKeyCount;
import org.sealpost.protocol.PreKeyUpload;
import org.sealpost.protocol.SignedTreeHead;
import org.sealpost.store.KeyLogStore;
import org.sealpost.store.proto.KeyLogSigningKey;
import org.sealpost.testing.TestServer;

/**
 * Key transparency end to end: SDK clients against a real server whose key log a test can make
 * lie (LyingKeyLog: test wiring, no production switch). An honest server's conversation raises
 * nothing; a key handed out unlogged, a forked log and an entry hidden from its owner are each
 * caught by the SDK.
 */
class KeyTransparencyTest {
  @TempDir Path dir;
  private TestServer server;
  private LyingKeyLog keyLog;
  private final List<SealpostClient> clients = new ArrayList<>();

  /** A client and what it reported. */
  private record Device(SealpostClient client, RecordingListener events) {
    String number() {
      return client.number();
    }
  }

  @BeforeEach
  void start() throws Exception {
    server = new TestServer(dir.resolve("server"), UnaryOperator.identity(), honest -> keyLog = new LyingKeyLog(honest));
    KeyLogSigningKey stored = KeyLogSigningKey.parseFrom(await(log().signingKey(new byte[0])));
    PrivateKey logKey = KeyFactory.getInstance("Ed25519")
        .generatePrivate(new PKCS8EncodedKeySpec(stored.getPrivateKey().toByteArray()));
    keyLog.signer((size, root) -> {
      long now = System.currentTimeMillis();
      return SignedTreeHead.newBuilder().setSize(size).setRootHash(ByteString.copyFrom(root)).setTimestamp(now)
          .setSignature(ByteString.copyFrom(new TreeHead(size, root, now).sign(logKey))).build();
    });
  }

  @AfterEach
  void stop() {
    clients.forEach(client -> await(client.close()));
    server.close();
  }

  @Test
  void anHonestServersConversationRaisesNothingAndALinkedDeviceIsReported() {
    Device alice = register("alice");
    Device bob = register("bob");
    await(alice.client().send(bob.number(), "hello"));
    assertThat(bob.events().nextMessage().text()).isEqualTo("hello");
    await(bob.client().send(alice.number(), "hi"));
    assertThat(alice.events().nextMessage().text()).isEqualTo("hi");

    assertThat(await(alice.client().auditKeyLog()).alerts()).isEmpty();
    KeyLogAudit audit = await(bob.client().auditKeyLog());
    assertThat(audit.alerts()).isEmpty();
    assertThat(audit.head().size()).isGreaterThanOrEqualTo(2);
    assertThat(alice.events().keyLogAlerts()).isEmpty();
    assertThat(bob.events().keyLogAlerts()).isEmpty();

    // A device linked to Bob's number is a key his first device did not make: it says so.
    LinkCode code = await(bob.client().createLinkCode());
    SealpostClient laptop = await(SealpostClient.link(server.clients(), dir.resolve("bob-laptop"), server.httpUri(),
        bob.number(), code.getCode(), "laptop"), 30);
    clients.add(laptop);
    await(bob.client().auditKeyLog());
    KeyLogAlert linked = bob.events().nextKeyLogAlert();
    assertThat(linked.kind()).isEqualTo(KeyLogAlert.Kind.OTHER_DEVICE_KEY);
    assertThat(linked.deviceId()).isEqualTo(laptop.deviceId());
  }

  @Test
  void aKeyHandedOutWithoutBeingLoggedIsRefused() {
    Device alice = register("alice");
    Device bob = register("bob");
    TestKeys attacker = replaceKeysUnlogged(bob);

    // The honest server will not hand out a key its log does not hold.
    Throwable honest = failure(alice.client().send(bob.number(), "for bob"));
    assertThat(honest).isInstanceOf(RequestFailedException.class);
    assertThat(((RequestFailedException) honest).status()).isEqualTo(503);

    // A lying one hands it out with Bob's logged entry: the SDK sees the entry holds another key.
    keyLog.proveAnyKey();
    Throwable caught = failure(alice.client().send(bob.number(), "for bob"));
    assertThat(caught).isInstanceOf(KeyTransparencyException.class).hasMessageContaining(bob.number());
    assertThat(attacker.identityKey()).isNotNull();
  }

  @Test
  void aForkedLogIsCaughtByTheNextHeadFromTheRealOne() throws Exception {
    Device alice = register("alice");
    Device bob = register("bob");
    Device carol = register("carol");
    await(alice.client().send(carol.number(), "hi carol"));
    assertThat(carol.events().nextMessage().text()).isEqualTo("hi carol");

    // The operator shows Alice a log with its own key for Bob appended: the proofs hold in it.
    TestKeys attacker = replaceKeysUnlogged(bob);
    ByteString extra = KeyLogEntry.newBuilder().setNumber(bob.number()).setDeviceId(1)
        .setIdentityKey(attacker.identityKey()).setLoggedAt(System.currentTimeMillis()).build().toByteString();
    keyLog.fork(allEntries(), bob.number(), 1, extra);
    await(alice.client().send(bob.number(), "for bob's eyes only"));
    keyLog.stopLying();

    // Alice's next message to Carol carries the forked head: Carol's server cannot prove it.
    await(alice.client().send(carol.number(), "again"));
    assertThat(carol.events().nextMessage().text()).isEqualTo("again");
    KeyLogAlert split = carol.events().nextKeyLogAlert();
    assertThat(split.kind()).isEqualTo(KeyLogAlert.Kind.SPLIT_VIEW);
    assertThat(split.number()).isEqualTo(alice.number());
    // And Alice's own next look at the real log fails.
    assertThat(failure(alice.client().auditKeyLog())).isInstanceOf(KeyTransparencyException.class);
  }

  @Test
  void anEntryHiddenFromItsOwnerIsCaughtByTheOwnersAudit() throws Exception {
    Device alice = register("alice");
    Device bob = register("bob");
    await(bob.client().auditKeyLog());

    // The operator logs its own key for Bob's device (so Alice's fetch proves) ...
    TestKeys attacker = new TestKeys(4242);
    DeviceKey bobPhone = new DeviceKey(bob.number(), 1);
    await(keyLog.record(bobPhone, attacker.identityKey()));
    await(server.server().stores().preKeys().put(bobPhone, attacker.complete(5, 5)));
    await(alice.client().send(bob.number(), "for bob's eyes only"));
    List<ByteString> entries = allEntries();
    ByteString logged = entries.get(entries.size() - 1);
    assertThat(KeyLogEntry.parseFrom(logged).getIdentityKey()).isEqualTo(attacker.identityKey());

    // ... and leaves it out of what Bob's monitor reads: the rest no longer hashes to the head.
    keyLog.hideFromMonitors(logged);
    assertThat(failure(bob.client().auditKeyLog())).isInstanceOf(KeyTransparencyException.class);
    assertThat(nextAlert(bob, KeyLogAlert.Kind.LOG_INCONSISTENT)).isNotNull();

    // Not hiding it is no better: Bob's monitor reports his device's key replaced.
    keyLog.stopLying();
    await(bob.client().auditKeyLog());
    KeyLogAlert replaced = nextAlert(bob, KeyLogAlert.Kind.OWN_KEY_REPLACED);
    assertThat(replaced.deviceId()).isEqualTo(1);
  }

  /** Linking, removing, a new identity key and registering the number anew each append to the log. */
  @Test
  void everyChangeOfANumbersKeysIsLogged() throws Exception {
    int start = allEntries().size(); // on Cassandra the run's servers share one log
    Device alice = register("alice");
    LinkCode code = await(alice.client().createLinkCode());
    SealpostClient laptop = await(SealpostClient.link(server.clients(), dir.resolve("alice-laptop"), server.httpUri(),
        alice.number(), code.getCode(), "laptop"), 30);
    clients.add(laptop);
    await(alice.client().removeDevice(laptop.deviceId()));
    assertThat(changesOf(alice.number(), start)).containsExactly("1 key", laptop.deviceId() + " key",
        laptop.deviceId() + " gone");

    DeviceCredentials raw = server.register();
    TestKeys first = new TestKeys(7);
    TestKeys rotated = new TestKeys(7);
    upload(raw, first.complete(1, 1));
    upload(raw, first.oneTime(1, 1)); // a refill under the same identity: nothing to log
    upload(raw, rotated.complete(1, 1));
    DeviceCredentials again = server.register(raw.getNumber());
    upload(again, new TestKeys(8).complete(1, 1));
    assertThat(changesOf(raw.getNumber(), start)).containsExactly("1 key", "1 key", "1 gone", "1 key");
  }

  /** A device made before key transparency has no pinned log key: it pins the server's, connected or not. */
  @Test
  void aStateDirectoryFromBeforeKeyTransparencyPinsTheLogKeyAtFirstUse() throws Exception {
    Device alice = register("alice");
    Device bob = register("bob");
    await(alice.client().close());
    clients.remove(alice.client());
    java.nio.file.Files.delete(dir.resolve("alice").resolve(KeyLogStateFile.PATH));

    SealpostClient upgraded = await(SealpostClient.open(server.clients(), dir.resolve("alice")));
    clients.add(upgraded);
    RecordingListener events = new RecordingListener();
    upgraded.listener(events);
    await(upgraded.connect(), 30);
    await(upgraded.send(bob.number(), "still me"));
    assertThat(bob.events().nextMessage().text()).isEqualTo("still me");
    assertThat(await(upgraded.auditKeyLog()).alerts()).isEmpty();
    assertThat(java.nio.file.Files.exists(dir.resolve("alice").resolve(KeyLogStateFile.PATH))).isTrue();
  }

  private Device register(String name) {
    String number = TestServer.newNumber();
    String session = await(SealpostClient.requestCode(server.clients(), server.httpUri(), number)).getSessionId();
    SealpostClient client = await(SealpostClient.register(server.clients(), dir.resolve(name), server.httpUri(), number,
        session, TestServer.TEST_CODE, name), 30);
    clients.add(client);
    RecordingListener events = new RecordingListener();
    client.listener(events);
    await(client.connect(), 30);
    return new Device(client, events);
  }

  /** Puts a new identity's keys for Bob's first device straight into the prekey store, past the log. */
  private TestKeys replaceKeysUnlogged(Device bob) {
    TestKeys attacker = new TestKeys(4242);
    await(server.server().stores().preKeys().put(new DeviceKey(bob.number(), 1), attacker.complete(5, 5)));
    return attacker;
  }

  private void upload(DeviceCredentials device, PreKeyUpload keys) {
    await(server.rest().call(io.vertx.core.http.HttpMethod.PUT, "/v1/keys", device, keys, PreKeyCount.parser()));
  }

  /**
   * What the log holds for {@code number} from index {@code from} on: "DEVICE key" or "DEVICE gone"
   * each, after the removals of a previous account of the number (on Cassandra the run's tests
   * share numbers, so registering one may first retire an earlier test's devices).
   */
  private List<String> changesOf(String number, int from) throws Exception {
    List<String> changes = new ArrayList<>();
    List<ByteString> entries = allEntries();
    for (ByteString bytes : entries.subList(from, entries.size())) {
      KeyLogEntry entry = KeyLogEntry.parseFrom(bytes);
      boolean gone = entry.getIdentityKey().isEmpty();
      if (entry.getNumber().equals(number) && !(gone && changes.isEmpty())) {
        changes.add(entry.getDeviceId() + (gone ? " gone" : " key"));
      }
    }
    return changes;
  }

  private KeyLogStore log() {
    return server.server().stores().keyLog();
  }

  private List<ByteString> allEntries() {
    List<ByteString> entries = new ArrayList<>();
    List<byte[]> page;
    do {
      page = await(log().read(entries.size(), 1000));
      page.forEach(entry -> entries.add(ByteString.copyFrom(entry)));
    } while (page.size() == 1000);
    return entries;
  }

  /** The next alert of {@code kind}, skipping others the automatic audits may have raised. */
  private static KeyLogAlert nextAlert(Device device, KeyLogAlert.Kind kind) {
    for (int i = 0; i < 10; i++) {
      KeyLogAlert alert = device.events().nextKeyLogAlert();
      if (alert.kind() == kind) {
        return alert;
      }
    }
    throw new AssertionError("no " + kind + " alert among the next 10");
  }
}
