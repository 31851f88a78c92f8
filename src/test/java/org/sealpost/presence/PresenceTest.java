package org.sealpost.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;
import static org.sealpost.testing.Await.failure;

import com.google.protobuf.Empty;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sealpost.client.RequestFailedException;
import org.sealpost.limits.Limit;
import org.sealpost.limits.RateLimitConfig;
import org.sealpost.limits.RateLimiters;
import org.sealpost.protocol.AddMembersRequest;
import org.sealpost.protocol.BlockList;
import org.sealpost.protocol.ContactsUploadRequest;
import org.sealpost.protocol.ContactsUploadResponse;
import org.sealpost.protocol.CreateGroupRequest;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.Envelope;
import org.sealpost.protocol.Group;
import org.sealpost.protocol.PresenceEvent;
import org.sealpost.protocol.PresenceSnapshot;
import org.sealpost.protocol.PresenceSubscribeRequest;
import org.sealpost.protocol.PrivacySettings;
import org.sealpost.protocol.ReadReceiptRequest;
import org.sealpost.protocol.Request;
import org.sealpost.protocol.TypingAction;
import org.sealpost.protocol.TypingEvent;
import org.sealpost.protocol.TypingRequest;
import org.sealpost.protocol.Visibility;
import org.sealpost.testing.Await;
import org.sealpost.testing.TestDevice;
import org.sealpost.testing.TestServer;

/** Presence, privacy levels, typing, blocking and the enumeration limit, end to end over real sockets. */
class PresenceTest {
  /** The bound for a presence change to reach a subscriber on loopback. */
  private static final int ENUMERATION_BUCKET = 5;
  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  @TempDir Path dataDir;
  private TestServer server;
  private final List<TestDevice> devices = new ArrayList<>();

  @BeforeEach
  void start() {
    server = new TestServer(dataDir, config -> {
      Map<String, RateLimitConfig> limits = new java.util.HashMap<>(RateLimiters.unlimited());
      limits.put(Limit.CONTACT_DISCOVERY_PER_ACCOUNT.id(), new RateLimitConfig(ENUMERATION_BUCKET, Duration.ofHours(1)));
      return config.withLimits(limits);
    });
  }

  @AfterEach
  void stop() {
    devices.forEach(TestDevice::close);
    server.close();
  }

  /** A number nobody registered, different on every run. */
  private static String unknownNumber() {
    return "+4420" + (7_000_000 + RANDOM.nextInt(2_999_999));
  }

  private TestDevice connect(DeviceCredentials credentials) {
    TestDevice device = server.device(credentials);
    devices.add(device);
    return device;
  }

  private static PresenceSnapshot subscribe(TestDevice subscriber, String... numbers) {
    return await(subscriber.connection().call("PUT", "/v1/presence/subscriptions",
        PresenceSubscribeRequest.newBuilder().addAllNumbers(List.of(numbers)).build(), PresenceSnapshot.parser()));
  }

  private static PresenceEvent nextPresence(TestDevice device, int seconds) {
    return parse(device.nextRequest("/v1/presence", seconds));
  }

  private static PresenceEvent parse(Request request) {
    try {
      return PresenceEvent.parseFrom(request.getBody());
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  private static void setPrivacy(TestDevice device, PrivacySettings settings) {
    await(device.connection().call("PUT", "/v1/privacy", settings, PrivacySettings.parser()));
  }

  private static ContactsUploadResponse upload(TestDevice device, String... numbers) {
    return await(device.connection().call("PUT", "/v1/contacts",
        ContactsUploadRequest.newBuilder().addAllNumbers(List.of(numbers)).build(), ContactsUploadResponse.parser()));
  }

  // ------------------------------------------------------------------ online, last seen

  /**
   * Every change, in order, each once, with its last seen. How fast they come is measured by the
   * bench, not asserted here (a loaded machine would fail a timing bound).
   */
  @Test
  void subscriberSeesEveryOnlineAndOfflineInOrderWithLastSeen() {
    DeviceCredentials target = server.register();
    TestDevice watcher = connect(server.register());
    PresenceSnapshot before = subscribe(watcher, target.getNumber());
    assertThat(before.getStatesList()).singleElement().satisfies(state -> {
      assertThat(state.getOnline()).isFalse();
      assertThat(state.getLastSeen()).isZero();
    });

    long previousLastSeen = 0;
    for (int round = 0; round < 6; round++) {
      TestDevice online = server.device(target);
      PresenceEvent up = nextPresence(watcher, 5);
      assertThat(up.getNumber()).isEqualTo(target.getNumber());
      assertThat(up.getOnline()).as("round %d: online first", round).isTrue();

      long closing = System.currentTimeMillis();
      online.close();
      PresenceEvent down = nextPresence(watcher, 5);
      assertThat(down.getNumber()).isEqualTo(target.getNumber());
      assertThat(down.getOnline()).as("round %d: then offline, once", round).isFalse();
      assertThat(down.getLastSeen()).isBetween(Math.max(previousLastSeen, closing - 1000), System.currentTimeMillis());
      previousLastSeen = down.getLastSeen();
    }
  }

  @Test
  void aSecondDeviceKeepsTheAccountOnline() throws Exception {
    DeviceCredentials primary = server.register();
    TestDevice phone = connect(primary);
    io.vertx.core.Future<org.sealpost.protocol.LinkCode> code = phone.connection().call("POST", "/v1/devices/link-code",
        Empty.getDefaultInstance(), org.sealpost.protocol.LinkCode.parser());
    DeviceCredentials laptop = await(server.rest().link(primary.getNumber(), await(code).getCode(), 99, "laptop"));
    TestDevice watcher = connect(server.register());
    subscribe(watcher, primary.getNumber());

    TestDevice second = server.device(laptop);
    double connected = authenticated();
    phone.close();
    Await.until("the server saw the phone go", Duration.ofSeconds(10), () -> authenticated() < connected);
    long phoneGone = System.currentTimeMillis();
    second.close();
    // The first event after the phone left is the laptop's: an offline event for the phone would
    // come first and carry an earlier last seen.
    PresenceEvent offline = nextPresence(watcher, 5);
    assertThat(offline.getOnline()).isFalse();
    assertThat(offline.getLastSeen()).as("still online while a device is connected").isGreaterThanOrEqualTo(phoneGone);
  }

  /** Presence changes the server has announced (the sealpost.presence.announced counter). */
  private double announced() {
    return server.server().meters().get("sealpost.presence.announced").counter().count();
  }

  /** Devices authenticated on the server now (the sealpost.gateway.authenticated gauge). */
  private double authenticated() {
    return server.server().meters().get("sealpost.gateway.authenticated").gauge().value();
  }

  @Test
  void aConnectionThatTimesOutLeavesTheAccountOfflineWithLastSeen() {
    server.close();
    server = new TestServer(dataDir.resolve("idle"), config ->
        config.withGateway(config.gateway().withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(2))));
    DeviceCredentials silent = server.register();
    TestDevice watcher = connect(server.register());
    // The watcher keeps its connection alive; the silent device sends nothing after authenticating.
    long keepalive = server.clients().setPeriodic(500, id ->
        watcher.connection().call("GET", "/v1/keepalive", Empty.getDefaultInstance(), Empty.parser()));
    try {
      subscribe(watcher, silent.getNumber());
      connect(silent);
      assertThat(nextPresence(watcher, 5).getOnline()).isTrue();
      long connectedAt = System.currentTimeMillis();
      PresenceEvent timedOut = nextPresence(watcher, 15);
      assertThat(timedOut.getOnline()).isFalse();
      assertThat(timedOut.getLastSeen()).isGreaterThanOrEqualTo(connectedAt + 1000);
    } finally {
      server.clients().cancelTimer(keepalive);
    }
  }

  // ------------------------------------------------------------------ privacy levels

  @ParameterizedTest
  @EnumSource(value = Visibility.class, names = {"EVERYONE", "CONTACTS", "NOBODY"})
  void eachPrivacyLevelIsEnforcedForStrangersAndContacts(Visibility level) throws Exception {
    DeviceCredentials targetCredentials = server.register();
    TestDevice target = connect(targetCredentials);
    TestDevice contact = connect(server.register());
    TestDevice stranger = connect(server.register());
    upload(target, contact.number());
    setPrivacy(target, PrivacySettings.newBuilder().setLastSeen(level).setOnline(level).build());
    target.close();
    // A control account everyone may see: its events tell a viewer the server has moved on.
    DeviceCredentials control = server.register();

    for (TestDevice viewer : List.of(contact, stranger)) {
      boolean maySee = level == Visibility.EVERYONE || (level == Visibility.CONTACTS && viewer == contact);
      PresenceSnapshot snapshot = subscribe(viewer, targetCredentials.getNumber(), control.getNumber());
      assertThat(snapshot.getStatesList().stream().anyMatch(s -> s.getNumber().equals(targetCredentials.getNumber())))
          .as("%s snapshot at %s", viewer == contact ? "contact" : "stranger", level).isEqualTo(maySee);
      if (maySee) {
        PresenceEvent last = snapshot.getStatesList().stream()
            .filter(s -> s.getNumber().equals(targetCredentials.getNumber())).findFirst().orElseThrow();
        assertThat(last.getLastSeen()).isPositive();
      }
    }

    double announcedBefore = announced();
    TestDevice back = connect(targetCredentials);
    // The control comes online only once the target's change was announced (each subscriber sent
    // what it may see), so on this node its event comes after any event of the target.
    Await.until("the target's coming online was announced", Duration.ofSeconds(10),
        () -> announced() > announcedBefore);
    TestDevice controlOnline = connect(control);
    for (TestDevice viewer : List.of(contact, stranger)) {
      boolean maySee = level == Visibility.EVERYONE || (level == Visibility.CONTACTS && viewer == contact);
      List<String> seen = new ArrayList<>();
      while (seen.isEmpty() || !seen.get(seen.size() - 1).equals(control.getNumber())) {
        seen.add(nextPresence(viewer, 5).getNumber());
      }
      assertThat(seen.contains(targetCredentials.getNumber()))
          .as("%s saw the target come online at %s", viewer == contact ? "contact" : "stranger", level)
          .isEqualTo(maySee);
    }
    back.close();
    controlOnline.close();
  }

  @Test
  void lastSeenHiddenButOnlineVisibleShowsNoTimestamp() {
    DeviceCredentials targetCredentials = server.register();
    TestDevice target = connect(targetCredentials);
    setPrivacy(target, PrivacySettings.newBuilder().setLastSeen(Visibility.NOBODY).build());
    TestDevice watcher = connect(server.register());
    subscribe(watcher, target.number());
    target.close();
    PresenceEvent offline = nextPresence(watcher, 5);
    assertThat(offline.getOnline()).isFalse();
    assertThat(offline.getLastSeen()).isZero();
  }

  // ------------------------------------------------------------------ typing

  @Test
  void typingReachesConnectedDevicesAndIsNeverDeliveredLater() {
    TestDevice alice = connect(server.register());
    DeviceCredentials bobCredentials = server.register();
    TestDevice bob = connect(bobCredentials);
    TypingRequest composing = TypingRequest.newBuilder().setDestination(bob.number())
        .setAction(TypingAction.COMPOSING).build();

    await(alice.connection().call("PUT", "/v1/typing", composing, Empty.parser()));
    TypingEvent live = typing(bob.nextRequest("/v1/typing", 5));
    assertThat(live.getSource()).isEqualTo(alice.number());
    assertThat(live.getAction()).isEqualTo(TypingAction.COMPOSING);

    bob.close();
    await(alice.connection().call("PUT", "/v1/typing", composing, Empty.parser()));
    await(alice.connection().call("PUT", "/v1/typing", composing.toBuilder().setAction(TypingAction.PAUSED).build(),
        Empty.parser()));
    TestDevice bobAgain = connect(bobCredentials);
    bobAgain.awaitQueueEmpty(10);
    assertThat(bobAgain.inboxSize()).as("nothing was queued (it would come before the queue-empty signal)")
        .isZero();
    // The control: typing from someone else now is the first typing bob hears on this connection.
    TestDevice carol = connect(server.register());
    await(carol.connection().call("PUT", "/v1/typing", composing, Empty.parser()));
    assertThat(typing(bobAgain.nextRequest("/v1/typing", 5)).getSource())
        .as("typing sent while bob was offline never arrives").isEqualTo(carol.number());
  }

  @Test
  void typingInAGroupReachesTheOtherMembersOnly() {
    TestDevice alice = connect(server.register());
    TestDevice bob = connect(server.register());
    TestDevice carol = connect(server.register());
    TestDevice outsider = connect(server.register());
    Group group = await(alice.connection().call("POST", "/v1/groups", CreateGroupRequest.newBuilder()
        .addMembers(bob.number()).addMembers(carol.number()).build(), Group.parser()));

    await(bob.connection().call("PUT", "/v1/typing", TypingRequest.newBuilder().setGroupId(group.getId())
        .setAction(TypingAction.COMPOSING).build(), Empty.parser()));

    for (TestDevice member : List.of(alice, carol)) {
      TypingEvent event = typing(member.nextRequest("/v1/typing", 5));
      assertThat(event.getSource()).isEqualTo(bob.number());
      assertThat(event.getGroupId()).isEqualTo(group.getId());
    }
    // The control: alice types next; had bob heard his own typing, it would come first.
    await(alice.connection().call("PUT", "/v1/typing", TypingRequest.newBuilder().setGroupId(group.getId())
        .setAction(TypingAction.COMPOSING).build(), Empty.parser()));
    assertThat(typing(bob.nextRequest("/v1/typing", 5)).getSource()).as("the typist does not hear itself")
        .isEqualTo(alice.number());
    Throwable notMember = failure(outsider.connection().call("PUT", "/v1/typing", TypingRequest.newBuilder()
        .setGroupId(group.getId()).setAction(TypingAction.COMPOSING).build(), Empty.parser()));
    Throwable unknown = failure(alice.connection().call("PUT", "/v1/typing", TypingRequest.newBuilder()
        .setGroupId("no-such-group").setAction(TypingAction.COMPOSING).build(), Empty.parser()));
    assertThat(((RequestFailedException) notMember).status()).isEqualTo(403);
    assertThat(((RequestFailedException) unknown).status()).isEqualTo(404);
  }

  @Test
  void aBlockedAccountCannotAddItsBlockerToAGroup() {
    TestDevice alice = connect(server.register());
    TestDevice mallory = connect(server.register());
    TestDevice bob = connect(server.register());
    await(alice.connection().call("PUT", "/v1/blocks/" + mallory.number(), Empty.getDefaultInstance(), Empty.parser()));

    Throwable create = failure(mallory.connection().call("POST", "/v1/groups", CreateGroupRequest.newBuilder()
        .addMembers(alice.number()).addMembers(bob.number()).build(), Group.parser()));
    Group group = await(mallory.connection().call("POST", "/v1/groups", CreateGroupRequest.newBuilder()
        .addMembers(bob.number()).build(), Group.parser()));
    Throwable add = failure(mallory.connection().call("PUT", "/v1/groups/" + group.getId() + "/members",
        AddMembersRequest.newBuilder().addMembers(alice.number()).build(), Group.parser()));
    // Bob, whom alice did not block, may add her to mallory's group.
    Group withAlice = await(bob.connection().call("PUT", "/v1/groups/" + group.getId() + "/members",
        AddMembersRequest.newBuilder().addMembers(alice.number()).build(), Group.parser()));

    assertThat(((RequestFailedException) create).status()).isEqualTo(403);
    assertThat(((RequestFailedException) create).getMessage()).contains("BLOCKED");
    assertThat(((RequestFailedException) add).status()).isEqualTo(403);
    assertThat(withAlice.getMembersList()).extracting(m -> m.getNumber()).contains(alice.number());
  }

  private static TypingEvent typing(Request request) {
    try {
      return TypingEvent.parseFrom(request.getBody());
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  // ------------------------------------------------------------------ blocking

  @Test
  void aBlockedSenderIsRefusedAndSeesNoPresence() {
    TestDevice blocker = connect(server.register());
    TestDevice blocked = connect(server.register());
    await(blocker.connection().call("PUT", "/v1/blocks/" + blocked.number(), Empty.getDefaultInstance(), Empty.parser()));

    RequestFailedException refused = (RequestFailedException) failure(
        blocked.sendAsync(blocker.number(), List.of(1), TestDevice.newMessageId(), "hello"));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.error().getCode()).isEqualTo("BLOCKED");
    Throwable typing = failure(blocked.connection().call("PUT", "/v1/typing", TypingRequest.newBuilder()
        .setDestination(blocker.number()).build(), Empty.parser()));
    assertThat(((RequestFailedException) typing).error().getCode()).isEqualTo("BLOCKED");
    assertThat(subscribe(blocked, blocker.number()).getStatesList()).isEmpty();

    // The blocker can still message the blocked account; unblocking restores delivery.
    await(blocker.connection().call("DELETE", "/v1/blocks/" + blocked.number(), Empty.getDefaultInstance(),
        Empty.parser()));
    blocked.send(blocker.number(), List.of(1), TestDevice.newMessageId(), "hello again");
    Envelope after = blocker.next(5);
    assertThat(after.getSource()).isEqualTo(blocked.number());
    assertThat(after.getContent().toStringUtf8()).as("the refused message never came before it")
        .isEqualTo("hello again@1");
  }

  // ------------------------------------------------------------------ re-registration

  @Test
  void aReRegisteredNumberStartsWithDefaultPrivacyNoContactsAndNoBlocksOfItsOwn() {
    DeviceCredentials previous = server.register();
    String number = previous.getNumber();
    TestDevice oldOwner = connect(previous);
    TestDevice contact = connect(server.register());
    TestDevice blockedByOldOwner = connect(server.register());
    TestDevice blockerOfNumber = connect(server.register());
    upload(oldOwner, contact.number());
    setPrivacy(oldOwner, PrivacySettings.newBuilder().setLastSeen(Visibility.CONTACTS).setOnline(Visibility.CONTACTS)
        .setReadReceiptsOff(true).build());
    await(oldOwner.connection().call("PUT", "/v1/blocks/" + blockedByOldOwner.number(), Empty.getDefaultInstance(),
        Empty.parser()));
    await(blockerOfNumber.connection().call("PUT", "/v1/blocks/" + number, Empty.getDefaultInstance(),
        Empty.parser()));

    TestDevice newOwner = connect(server.register(number));
    oldOwner.awaitClosed(5);

    assertThat(await(newOwner.connection().call("GET", "/v1/privacy", Empty.getDefaultInstance(),
        PrivacySettings.parser()))).isEqualTo(PrivacySettings.getDefaultInstance());
    assertThat(await(newOwner.connection().call("GET", "/v1/blocks", Empty.getDefaultInstance(),
        BlockList.parser())).getNumbersList()).isEmpty();
    // The account the old owner blocked reaches the new one.
    com.google.protobuf.ByteString hello = TestDevice.newMessageId();
    blockedByOldOwner.send(number, List.of(1), hello, "hello");
    assertThat(newOwner.next(5).getMessageId()).isEqualTo(hello);
    // The old owner's contact is a stranger to the new one: hidden at CONTACTS until it is uploaded.
    setPrivacy(newOwner, PrivacySettings.newBuilder().setLastSeen(Visibility.CONTACTS)
        .setOnline(Visibility.CONTACTS).build());
    assertThat(subscribe(contact, number).getStatesList()).isEmpty();
    upload(newOwner, contact.number());
    assertThat(subscribe(contact, number).getStatesList()).singleElement()
        .satisfies(state -> assertThat(state.getOnline()).isTrue());
    // A block another account holds against the number is that account's, and stays.
    assertThat(await(blockerOfNumber.connection().call("GET", "/v1/blocks", Empty.getDefaultInstance(),
        BlockList.parser())).getNumbersList()).containsExactly(number);
    RequestFailedException refused = (RequestFailedException) failure(
        newOwner.sendAsync(blockerOfNumber.number(), List.of(1), TestDevice.newMessageId(), "hi"));
    assertThat(refused.error().getCode()).isEqualTo("BLOCKED");
  }

  // ------------------------------------------------------------------ contacts and enumeration

  @Test
  void contactDiscoveryAnswersRegisteredNumbersAndIsRateLimited() {
    TestDevice alice = connect(server.register());
    String registered = server.register().getNumber();
    List<String> unknown = List.of(unknownNumber(), unknownNumber(), unknownNumber(), unknownNumber());
    List<String> book = new ArrayList<>(unknown);
    book.add(registered);

    ContactsUploadResponse answer = upload(alice, book.toArray(String[]::new));
    assertThat(answer.getRegisteredList()).containsExactly(registered);
    // Re-uploading the same book costs nothing.
    assertThat(upload(alice, book.toArray(String[]::new)).getRegisteredList()).containsExactly(registered);

    RequestFailedException limited = (RequestFailedException) failure(alice.connection().call("PUT", "/v1/contacts",
        ContactsUploadRequest.newBuilder().addNumbers(unknownNumber()).build(), ContactsUploadResponse.parser()));
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.error().getRetryAfterMs()).isPositive();
    RequestFailedException probing = (RequestFailedException) failure(alice.connection().call("PUT",
        "/v1/presence/subscriptions", PresenceSubscribeRequest.newBuilder().addNumbers(unknownNumber()).build(),
        PresenceSnapshot.parser()));
    assertThat(probing.status()).isEqualTo(429);
    // Contacts already paid for stay free to watch.
    assertThat(subscribe(alice, registered).getStatesList()).hasSize(1);
  }

  // ------------------------------------------------------------------ read receipts

  @Test
  void readReceiptsOffIsReciprocal() {
    TestDevice alice = connect(server.register());
    TestDevice bob = connect(server.register());
    setPrivacy(alice, PrivacySettings.newBuilder().setReadReceiptsOff(true).build());

    // Bob reads Alice's message: Alice gets the double tick but no blue tick.
    com.google.protobuf.ByteString fromAlice = TestDevice.newMessageId();
    alice.send(bob.number(), List.of(1), fromAlice, "hi");
    assertThat(bob.next(5).getMessageId()).isEqualTo(fromAlice);
    assertThat(alice.next(5).getType()).isEqualTo(Envelope.Type.DELIVERY_RECEIPT);
    read(bob, alice.number(), fromAlice);
    // Alice reads Bob's message: Bob gets no blue tick either.
    com.google.protobuf.ByteString fromBob = TestDevice.newMessageId();
    bob.send(alice.number(), List.of(1), fromBob, "hello");
    assertThat(alice.next(5).getMessageId()).isEqualTo(fromBob);
    assertThat(bob.next(5).getType()).isEqualTo(Envelope.Type.DELIVERY_RECEIPT);
    read(alice, bob.number(), fromBob);

    // Messages sent after the reads arrive, and no read receipt came before them.
    com.google.protobuf.ByteString marker = TestDevice.newMessageId();
    bob.send(alice.number(), List.of(1), marker, "marker");
    assertThat(until(alice, marker)).noneMatch(e -> e.getType() == Envelope.Type.READ_RECEIPT);
    com.google.protobuf.ByteString marker2 = TestDevice.newMessageId();
    alice.send(bob.number(), List.of(1), marker2, "marker");
    assertThat(until(bob, marker2)).noneMatch(e -> e.getType() == Envelope.Type.READ_RECEIPT);

    // Turned back on, blue ticks flow again.
    setPrivacy(alice, PrivacySettings.getDefaultInstance());
    read(bob, alice.number(), marker2);
    Envelope envelope;
    do {
      envelope = alice.next(5);
    } while (envelope.getType() != Envelope.Type.READ_RECEIPT);
    assertThat(envelope.getReceiptMessageIdsList()).containsExactly(marker2);
  }

  /** Deliveries up to and including the message {@code id}. */
  private static List<Envelope> until(TestDevice device, com.google.protobuf.ByteString id) {
    List<Envelope> seen = new ArrayList<>();
    do {
      seen.add(device.next(5));
    } while (!seen.get(seen.size() - 1).getMessageId().equals(id));
    return seen;
  }

  private static void read(TestDevice reader, String sender, com.google.protobuf.ByteString id) {
    await(reader.connection().call("PUT", "/v1/receipts/read", ReadReceiptRequest.newBuilder().setDestination(sender)
        .addMessageIds(id).setTimestamp(System.currentTimeMillis()).build(), Empty.parser()));
  }
}
