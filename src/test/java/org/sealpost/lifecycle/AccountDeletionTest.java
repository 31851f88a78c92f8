package org.sealpost.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;
import static org.sealpost.testing.Await.failure;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.client.MediaClient;
import org.sealpost.client.RequestFailedException;
import org.sealpost.config.PushConfig;
import org.sealpost.keys.TestKeys;
import org.sealpost.protocol.AccountExport;
import org.sealpost.protocol.ContactsUploadRequest;
import org.sealpost.protocol.ContactsUploadResponse;
import org.sealpost.protocol.CreateGroupRequest;
import org.sealpost.protocol.DeleteAccountRequest;
import org.sealpost.protocol.DeletionCodeResponse;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.Envelope;
import org.sealpost.protocol.KeyLogEntry;
import org.sealpost.protocol.ExportedDevice;
import org.sealpost.protocol.Group;
import org.sealpost.protocol.GroupEvent;
import org.sealpost.protocol.LinkCode;
import org.sealpost.protocol.PreKeyCount;
import org.sealpost.protocol.PrivacySettings;
import org.sealpost.protocol.PushToken;
import org.sealpost.protocol.PushType;
import org.sealpost.protocol.Response;
import org.sealpost.protocol.Visibility;
import org.sealpost.store.proto.AccountRecord;
import org.sealpost.testing.StoreScan;
import org.sealpost.testing.TestDevice;
import org.sealpost.testing.TestServer;
import org.sealpost.testing.TestServer.Transport;

/**
 * An account's owner deleting it (DELETE /v1/accounts/me) and exporting its data, end to end on the
 * run's backend: afterwards no store holds anything that names the number.
 */
class AccountDeletionTest {
  private static final Duration SCAN_TIMEOUT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private TestServer server;
  private DeviceCredentials alice;
  private DeviceCredentials bob;
  private TestDevice alicePhone;
  private TestDevice bobPhone;

  @BeforeEach
  void start() {
    // Numbers of their own: the shared test numbers come back to other tests' accounts (and their
    // groups, contacts and blocks) within a run, and scans must find only what this test made.
    String aliceNumber = freshNumber();
    String bobNumber = freshNumber();
    server = new TestServer(dir.resolve("data"), config -> {
      Map<String, String> numbers = new HashMap<>(config.accounts().testNumbers());
      numbers.put(aliceNumber, TestServer.TEST_CODE);
      numbers.put(bobNumber, TestServer.TEST_CODE);
      return config.withAccounts(config.accounts().withTestNumbers(numbers)).withPush(new PushConfig(null, null,
          new PushConfig.WebhookConfig(true, false), "", Duration.ofSeconds(10), 5, Duration.ofSeconds(1),
          Duration.ofSeconds(10)));
    });
    alice = server.register(aliceNumber);
    bob = server.register(bobNumber);
    alicePhone = server.device(alice);
    bobPhone = server.device(bob);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void deletingAnAccountLeavesNothingOfItInAnyStore() throws Exception {
    String number = alice.getNumber();
    TestDevice laptop = server.device(linkDevice());
    // Everything an account can leave: keys, a push token, privacy, contacts, a block, a group,
    // media, messages waiting for it and messages it sent.
    await(alicePhone.connection().call("PUT", "/v1/keys", new TestKeys(7).complete(3, 2), PreKeyCount.parser()));
    await(alicePhone.connection().call("PUT", "/v1/push/token", PushToken.newBuilder().setType(PushType.WEBHOOK)
        .setUrl("https://push.example/wake/" + number).build(), Empty.parser()));
    await(alicePhone.connection().call("PUT", "/v1/privacy",
        PrivacySettings.newBuilder().setLastSeen(Visibility.CONTACTS).build(), PrivacySettings.parser()));
    await(alicePhone.connection().call("PUT", "/v1/contacts",
        ContactsUploadRequest.newBuilder().addNumbers(bob.getNumber()).build(), ContactsUploadResponse.parser()));
    String blocked = TestServer.newNumber();
    await(alicePhone.connection().call("PUT", "/v1/blocks/" + blocked, Empty.getDefaultInstance(), Empty.parser()));
    Group group = await(alicePhone.connection().call("POST", "/v1/groups",
        CreateGroupRequest.newBuilder().addMembers(bob.getNumber()).build(), Group.parser()));
    String media = upload(alice);
    alicePhone.send(bob.getNumber(), List.of(1), TestDevice.newMessageId(), "hi bob");
    laptop.close(); // offline: what bob sends it stays queued
    bobPhone.send(number, List.of(1, 2), TestDevice.newMessageId(), "hi alice");
    bobPhone.take(2, 10); // the group's creation and alice's message

    AccountExport before = await(alicePhone.connection().call("GET", "/v1/accounts/me/export",
        Empty.getDefaultInstance(), AccountExport.parser()));
    assertThat(before.getDevicesList()).extracting(ExportedDevice::getDeviceId).containsExactly(1, 2);
    assertThat(before.getDevices(1).getQueuedEnvelopes()).isGreaterThanOrEqualTo(1);

    deleteAccount(alicePhone, alice.getPassword());

    alicePhone.awaitClosed(10);
    Envelope left = next(bobPhone, Envelope.Type.GROUP_EVENT);
    assertThat(left.getGroupEvent().getKind()).isEqualTo(GroupEvent.Kind.MEMBER_LEFT);
    assertThat(left.getGroupEvent().getMembersList()).containsExactly(number);
    assertThat(status(server.connect(Transport.TCP).authenticate(number, 1, alice.getPassword()))).isEqualTo(401);
    assertThat(await(bobPhone.sendRaw(TestDevice.request(number, List.of(1), TestDevice.newMessageId(), "there?", false)))
        .getStatus()).isEqualTo(404);
    assertThat(await(bobPhone.connection().request("GET", "/v1/keys/" + number + "/1", Empty.getDefaultInstance()))
        .getStatus()).isEqualTo(404);
    int mediaStatus = await(server.clients().createHttpClient().request(io.vertx.core.http.HttpMethod.GET,
        server.server().mediaPort(), "127.0.0.1", "/v1/media/" + media)
        .compose(request -> request.send()).map(response -> response.statusCode()));
    assertThat(mediaStatus).isEqualTo(404);

    assertNothingLeft(number);
  }

  @Test
  void deletionAsksThePrimarysPasswordAndTheCodeSentToTheNumber() {
    TestDevice laptop = server.device(linkDevice());
    await(alicePhone.connection().call("POST", "/v1/accounts/me/deletion-code", Empty.getDefaultInstance(),
        DeletionCodeResponse.parser()));

    assertThat(deleteRaw(alicePhone, "wrong password", TestServer.TEST_CODE).getStatus()).isEqualTo(403);
    assertThat(deleteRaw(alicePhone, alice.getPassword(), "000000").getStatus()).isEqualTo(403);
    assertThat(deleteRaw(laptop, laptop.credentials().getPassword(), TestServer.TEST_CODE).getStatus()).isEqualTo(403);
    assertThat(await(laptop.connection().request("POST", "/v1/accounts/me/deletion-code", Empty.getDefaultInstance()))
        .getStatus()).isEqualTo(403);

    // nothing happened: the account still works
    assertThat(await(alicePhone.connection().call("GET", "/v1/devices", Empty.getDefaultInstance(),
        org.sealpost.protocol.DeviceList.parser())).getDevicesCount()).isEqualTo(2);
    bobPhone.send(alice.getNumber(), List.of(1, 2), TestDevice.newMessageId(), "still here?");
    assertThat(alicePhone.next(10).getSource()).isEqualTo(bob.getNumber());
  }

  @Test
  void aDeletionCutShortIsFinishedWhenTheServerStartsAndTheAccountIsUnusableMeanwhile() throws Exception {
    String number = alice.getNumber();
    await(alicePhone.connection().call("PUT", "/v1/keys", new TestKeys(9).complete(2, 1), PreKeyCount.parser()));
    await(alicePhone.connection().call("POST", "/v1/groups",
        CreateGroupRequest.newBuilder().addMembers(bob.getNumber()).build(), Group.parser()));
    bobPhone.next(10);
    // The first half, as the node that began it did before it died: the account is gone, its data is not.
    AccountRecord account = await(server.server().stores().accounts().get(number)).orElseThrow();
    assertThat(await(server.server().stores().accounts().beginDeletion(
        account.toBuilder().setDeletionStarted(System.currentTimeMillis()).build()))).isTrue();

    assertThat(status(server.connect(Transport.TCP).authenticate(number, 1, alice.getPassword()))).isEqualTo(401);
    assertThat(await(bobPhone.sendRaw(TestDevice.request(number, List.of(1), TestDevice.newMessageId(), "hi", false)))
        .getStatus()).isEqualTo(404);
    assertThat(status(server.rest().requestCode(number).compose(code ->
        server.rest().verify(number, code.getSessionId(), TestServer.TEST_CODE, 5, "again")))).isEqualTo(409);

    bobPhone.close();
    alicePhone.close();
    server.restart();

    eventually(() -> await(server.server().stores().accounts().pendingDeletion(number)).isEmpty(), () -> "the deletion to end");
    assertNothingLeft(number);
    // The number is free again, for a new account.
    DeviceCredentials again = server.register(number);
    assertThat(await(server.connect(Transport.TCP).authenticate(number, 1, again.getPassword())).getDeviceId()).isEqualTo(1);
  }

  @Test
  void theExportListsWhatTheServerHoldsAndNoSecrets() throws Exception {
    await(alicePhone.connection().call("PUT", "/v1/keys", new TestKeys(5).complete(4, 3), PreKeyCount.parser()));
    await(alicePhone.connection().call("PUT", "/v1/push/token", PushToken.newBuilder().setType(PushType.WEBHOOK)
        .setUrl("https://push.example/secret-endpoint").build(), Empty.parser()));
    await(alicePhone.connection().call("PUT", "/v1/contacts",
        ContactsUploadRequest.newBuilder().addNumbers(bob.getNumber()).build(), ContactsUploadResponse.parser()));
    String blocked = TestServer.newNumber();
    await(alicePhone.connection().call("PUT", "/v1/blocks/" + blocked, Empty.getDefaultInstance(), Empty.parser()));
    Group group = await(bobPhone.connection().call("POST", "/v1/groups",
        CreateGroupRequest.newBuilder().addMembers(alice.getNumber()).build(), Group.parser()));
    upload(alice);
    TestDevice laptop = server.device(linkDevice());
    laptop.close();
    bobPhone.send(alice.getNumber(), List.of(1, 2), TestDevice.newMessageId(), "queued for the laptop");
    alicePhone.take(2, 10); // the group's creation and the message

    AccountExport export = await(alicePhone.connection().call("GET", "/v1/accounts/me/export",
        Empty.getDefaultInstance(), AccountExport.parser()));

    assertThat(export.getNumber()).isEqualTo(alice.getNumber());
    assertThat(export.getDevicesList()).extracting(ExportedDevice::getDeviceId).containsExactly(1, 2);
    ExportedDevice phone = export.getDevices(0);
    assertThat(phone.getPushType()).isEqualTo(PushType.WEBHOOK);
    assertThat(phone.getOneTimeEcPreKeys()).isEqualTo(4);
    assertThat(phone.getOneTimeKyberPreKeys()).isEqualTo(3);
    assertThat(phone.getIdentityKey().isEmpty()).isFalse();
    assertThat(export.getDevices(1).getQueuedEnvelopes()).isEqualTo(1); // linked after the group's creation
    assertThat(export.getDevices(1).getQueuedBytes()).isPositive();
    assertThat(export.getGroupsList()).singleElement().satisfies(g -> {
      assertThat(g.getGroupId()).isEqualTo(group.getId());
      assertThat(g.getAdmin()).isFalse();
      assertThat(g.getMembers()).isEqualTo(2);
    });
    assertThat(export.getContactsList()).containsExactly(bob.getNumber());
    assertThat(export.getBlockedList()).containsExactly(blocked);
    assertThat(export.getMediaList()).singleElement().satisfies(m -> {
      assertThat(m.getLength()).isEqualTo(4096);
      assertThat(m.getComplete()).isTrue();
    });
    // Never the push endpoint, a password or a hash of one.
    String everything = export.toString();
    assertThat(everything).doesNotContain("secret-endpoint").doesNotContain(alice.getPassword());
  }

  // ------------------------------------------------------------------ helpers

  private static String freshNumber() {
    return String.format("+1556%07d", java.util.concurrent.ThreadLocalRandom.current().nextInt(10_000_000));
  }

  private DeviceCredentials linkDevice() {
    LinkCode code = await(alicePhone.connection().call("POST", "/v1/devices/link-code", Empty.getDefaultInstance(),
        LinkCode.parser()));
    return await(server.rest().link(alice.getNumber(), code.getCode(), 77, "laptop"));
  }

  private String upload(DeviceCredentials owner) throws Exception {
    byte[] blob = new byte[4096];
    new java.util.Random(1).nextBytes(blob);
    Path file = Files.write(dir.resolve("blob-" + System.nanoTime()), blob);
    MediaClient client = new MediaClient(server.clients(),
        URI.create("http://127.0.0.1:" + server.server().mediaPort()), owner);
    return await(client.upload(file, blob.length, MessageDigest.getInstance("SHA-256").digest(blob)));
  }

  private void deleteAccount(TestDevice primary, String password) {
    await(primary.connection().call("POST", "/v1/accounts/me/deletion-code", Empty.getDefaultInstance(),
        DeletionCodeResponse.parser()));
    assertThat(deleteRaw(primary, password, TestServer.TEST_CODE).getStatus()).isEqualTo(200);
  }

  private static Response deleteRaw(TestDevice device, String password, String code) {
    return await(device.connection().request("DELETE", "/v1/accounts/me",
        DeleteAccountRequest.newBuilder().setPassword(password).setCode(code).build()));
  }

  private static int status(io.vertx.core.Future<?> call) {
    return ((RequestFailedException) failure(call)).status();
  }

  /**
   * No store holds anything naming the number, except what others' queues hold from or about it
   * (receipts, group events: the recipients' data), and on Cassandra and Redis what expires by
   * itself: rate-limit buckets and purged queues' head rows (docs/security.md): Cassandra and Redis while the
   * server runs (a closed connection unregisters a moment after it closes, so this waits for that),
   * the embedded database once the server has stopped.
   */
  private void assertNothingLeft(String number) {
    assertKeyLogSaysGone(number);
    if (TestServer.onCassandra()) {
      List<String> found = new ArrayList<>();
      eventually(() -> {
        found.clear();
        StoreScan.cassandra(number).stream()
            .filter(f -> !inAnothersQueue(f, number) && !expiringQueueHead(f) && !inKeyLog(f))
            .forEach(f -> found.add(f.where()));
        StoreScan.redis(server.clients(), server.redisPrefix(), number).stream()
            .filter(f -> !expiringRateLimit(f, server.redisPrefix())).forEach(f -> found.add(f.where()));
        return found.isEmpty();
      }, () -> "no Cassandra row and no Redis key naming the deleted number, found " + found);
    } else {
      server.stop();
      assertThat(StoreScan.embedded(server.clients(), dir.resolve("data"), number))
          .filteredOn(f -> !inAnothersQueue(f, number) && !inKeyLog(f)).isEmpty();
      server.start();
    }
  }

  /** Rate-limit buckets stay until they expire (counts only; docs/security.md): they must expire. */
  private static boolean expiringRateLimit(StoreScan.Finding key, String prefix) {
    return key.where().startsWith(prefix + "rl:") && key.expires();
  }

  /**
   * A purged queue's head row (two position counters) outlives it for two days on Cassandra, so a
   * new account of the number never reuses a position (docs/security.md): it must expire.
   */
  private static boolean expiringQueueHead(StoreScan.Finding finding) {
    return finding.where().startsWith("queue.") && finding.expires();
  }

  /**
   * The key log is append-only (docs/security.md): the number's entries stay, and the last one of
   * each of its devices says the device is gone ({@link #assertKeyLogSaysGone}).
   */
  private static boolean inKeyLog(StoreScan.Finding finding) {
    return finding.where().startsWith("key_log");
  }

  /** The key log's last entry for each device the number had is one with no key. */
  private void assertKeyLogSaysGone(String number) {
    Map<Integer, ByteString> last = new HashMap<>();
    List<byte[]> page;
    long from = 0;
    do {
      page = await(server.server().stores().keyLog().read(from, 1000));
      for (byte[] bytes : page) {
        KeyLogEntry entry = parseEntry(bytes);
        if (entry.getNumber().equals(number)) {
          last.put(entry.getDeviceId(), entry.getIdentityKey());
        }
      }
      from += page.size();
    } while (page.size() == 1000);
    assertThat(last).as("the key log's last entries for %s's devices", number).isNotEmpty()
        .allSatisfy((device, key) -> assertThat(key).isEmpty());
  }

  private static KeyLogEntry parseEntry(byte[] bytes) {
    try {
      return KeyLogEntry.parseFrom(bytes);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  private static boolean inAnothersQueue(StoreScan.Finding finding, String number) {
    return finding.where().startsWith("queue") && !finding.owner().equals(number);
  }

  /** The next envelope of {@code type}, skipping others (receipts arrive in no set order). */
  private static Envelope next(TestDevice device, Envelope.Type type) {
    for (int i = 0; i < 20; i++) {
      Envelope next = device.next(10);
      if (next.getType() == type) {
        return next;
      }
    }
    throw new AssertionError("no " + type + " envelope among the next 20");
  }

  /** Polls {@code condition} until it holds, failing after {@link #SCAN_TIMEOUT} with {@code what}. */
  private static void eventually(Supplier<Boolean> condition, Supplier<String> what) {
    long deadline = System.nanoTime() + SCAN_TIMEOUT.toNanos();
    while (!condition.get()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what.get());
      }
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
    }
  }
}
