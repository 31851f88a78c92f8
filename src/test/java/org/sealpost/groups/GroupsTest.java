package org.sealpost.groups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.protocol.AddMembersRequest;
import org.sealpost.protocol.ContentType;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.Envelope;
import org.sealpost.protocol.Group;
import org.sealpost.protocol.GroupEvent;
import org.sealpost.protocol.GroupRole;
import org.sealpost.protocol.GroupSendResponse;
import org.sealpost.protocol.GroupSettings;
import org.sealpost.protocol.LinkCode;
import org.sealpost.protocol.Response;
import org.sealpost.protocol.SetMetadataRequest;
import org.sealpost.testing.TestDevice;
import org.sealpost.testing.TestServer;

/** Group membership, permissions, events and fan-out through a real server (opaque payloads). */
class GroupsTest {
  @TempDir Path dataDir;
  private TestServer server;

  @BeforeEach
  void start() {
    server = new TestServer(dataDir);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void oneSendReachesEveryOtherMemberDeviceOnceWithTicks() {
    TestDevice alice = server.device(server.register());
    TestDevice aliceLaptop = server.device(link(alice));
    TestDevice bob = server.device(server.register());
    TestDevice carol = server.device(server.register());
    Group group = GroupCalls.create(alice, List.of(bob.number(), carol.number()));
    for (TestDevice device : List.of(alice, aliceLaptop, bob, carol)) {
      Envelope created = GroupCalls.next(device, Envelope.Type.GROUP_EVENT);
      assertThat(created.getGroupEvent().getKind()).isEqualTo(GroupEvent.Kind.CREATED);
      assertThat(created.getGroupEvent().getRevision()).isEqualTo(1);
      assertThat(created.getGroupId()).isEqualTo(group.getId());
    }

    ByteString id = TestDevice.newMessageId();
    GroupSendResponse tick = GroupCalls.sendFirstAttempt(alice, group.getId(), id, "sender-key ciphertext");

    assertThat(tick.getDuplicate()).isFalse();
    assertThat(tick.getRecipients()).isEqualTo(3);
    for (TestDevice device : List.of(aliceLaptop, bob, carol)) {
      Envelope message = GroupCalls.next(device, Envelope.Type.MESSAGE);
      assertThat(message.getGroupId()).isEqualTo(group.getId());
      assertThat(message.getMessageId()).isEqualTo(id);
      assertThat(message.getSource()).isEqualTo(alice.number());
      assertThat(message.getContentType()).isEqualTo(ContentType.SENDER_KEY_MESSAGE);
      assertThat(message.getContent().toStringUtf8()).isEqualTo("sender-key ciphertext");
    }
    // Everything the sending device gets up to both receipts: a copy of its own message would be
    // queued before them (at the send), so it would be among these.
    List<Envelope> toAlice = new java.util.ArrayList<>();
    while (toAlice.stream().filter(e -> e.getType() == Envelope.Type.DELIVERY_RECEIPT).count() < 2) {
      toAlice.add(alice.next(30));
    }
    assertThat(toAlice).filteredOn(e -> e.getType() == Envelope.Type.DELIVERY_RECEIPT).extracting(Envelope::getSource)
        .containsExactlyInAnyOrder(bob.number(), carol.number());
    assertThat(toAlice).as("the sending device gets no copy").noneMatch(e -> e.getType() == Envelope.Type.MESSAGE);

    // A retry (first_attempt unset) of a first attempt is a duplicate, on either backend.
    GroupSendResponse again = GroupCalls.send(alice, group.getId(), id, "sender-key ciphertext");
    assertThat(again.getDuplicate()).isTrue();
    assertThat(again.getServerTimestamp()).isEqualTo(tick.getServerTimestamp());
    assertControlComesNext(alice, bob, "a resend is not stored twice");
  }

  @Test
  void nonMembersCanNeitherSendNorRead() {
    TestDevice alice = server.device(server.register());
    TestDevice bob = server.device(server.register());
    TestDevice mallory = server.device(server.register());
    Group group = GroupCalls.create(alice, List.of(bob.number()));

    Response send = GroupCalls.sendRaw(mallory, group.getId(), TestDevice.newMessageId(), "spam");
    Response read = await(mallory.connection().request("GET", "/v1/groups/" + group.getId(), Empty.getDefaultInstance()));
    Response unknown = GroupCalls.sendRaw(alice, "ffffffffffffffffffffffffffffffff", TestDevice.newMessageId(), "x");

    assertThat(send.getStatus()).isEqualTo(403);
    assertThat(read.getStatus()).isEqualTo(403);
    assertThat(unknown.getStatus()).isEqualTo(404);
    assertThat(GroupCalls.next(bob, Envelope.Type.GROUP_EVENT).getGroupEvent().getKind())
        .isEqualTo(GroupEvent.Kind.CREATED);
    assertControlComesNext(alice, bob, "nothing from the refused sends");
  }

  @Test
  void aRemovedMemberIsToldAndGetsNothingAfterwards() {
    TestDevice alice = server.device(server.register());
    TestDevice bob = server.device(server.register());
    TestDevice carol = server.device(server.register());
    Group group = GroupCalls.create(alice, List.of(bob.number(), carol.number()));

    Group after = GroupCalls.remove(alice, group.getId(), carol.number());
    assertThat(after.getMembersList()).extracting(m -> m.getNumber()).containsExactly(alice.number(), bob.number());
    for (TestDevice device : List.of(alice, bob, carol)) {
      GroupCalls.next(device, Envelope.Type.GROUP_EVENT);
      GroupEvent removed = GroupCalls.next(device, Envelope.Type.GROUP_EVENT).getGroupEvent();
      assertThat(removed.getKind()).isEqualTo(GroupEvent.Kind.MEMBERS_REMOVED);
      assertThat(removed.getRevision()).isEqualTo(2);
      assertThat(removed.getMembersList()).containsExactly(carol.number());
    }
    GroupCalls.send(alice, group.getId(), TestDevice.newMessageId(), "after removal");

    assertThat(GroupCalls.next(bob, Envelope.Type.MESSAGE).getContent().toStringUtf8()).isEqualTo("after removal");
    assertControlComesNext(alice, carol, "the removed member gets nothing sent after the removal");
    assertThat(GroupCalls.sendRaw(carol, group.getId(), TestDevice.newMessageId(), "still here?").getStatus())
        .isEqualTo(403);

    Group left = GroupCalls.remove(bob, group.getId(), bob.number());
    assertThat(left.getMembersCount()).isEqualTo(1);
    assertThat(GroupCalls.next(alice, Envelope.Type.GROUP_EVENT).getGroupEvent().getKind())
        .isEqualTo(GroupEvent.Kind.MEMBER_LEFT);
  }

  /**
   * Membership changes while a member keeps sending, several sends in flight at once: a send
   * answered before a change was asked for goes by the old membership (the removed member has it,
   * the added one does not); a send asked for after the change was answered goes by the new one.
   * Sends that overlap a change may go either way, but each reaches a member at most once.
   */
  @Test
  void membershipChangesWhileMessagesAreInFlight() {
    TestDevice alice = server.device(server.register());
    TestDevice bob = server.device(server.register());
    TestDevice carol = server.device(server.register());
    TestDevice dave = server.device(server.register());
    Group group = GroupCalls.create(alice, List.of(bob.number(), carol.number()));
    int sends = 200;
    int inFlight = 8;
    List<ByteString> ids = new ArrayList<>();
    long[] askedAt = new long[sends];
    long[] answeredAt = new long[sends];
    long[] removal = new long[2];
    long[] addition = new long[2];
    List<Future<?>> pending = new ArrayList<>();
    List<Future<?>> changes = new ArrayList<>();

    for (int i = 0; i < sends; i++) {
      if (i == 60) {
        changes.add(timed(removal, () -> alice.connection().call("DELETE", "/v1/groups/" + group.getId()
            + "/members/" + carol.number(), Empty.getDefaultInstance(), Group.parser())));
      }
      if (i == 130) {
        changes.add(timed(addition, () -> alice.connection().call("PUT", "/v1/groups/" + group.getId() + "/members",
            AddMembersRequest.newBuilder().addMembers(dave.number()).build(), Group.parser())));
      }
      // Each change overlaps 40 sends, then is waited for, so the sends after it come wholly after.
      if (i == 100 || i == 170) {
        await(changes.get(changes.size() - 1), 30);
      }
      if (pending.size() == inFlight) {
        await(pending.remove(0), 30);
      }
      int n = i;
      ids.add(TestDevice.newMessageId());
      askedAt[n] = System.nanoTime();
      pending.add(bob.connection().call("PUT", "/v1/groups/" + group.getId() + "/messages",
          GroupCalls.sendRequest(ids.get(n), "in flight " + n), GroupSendResponse.parser())
          .map(sent -> answeredAt[n] = System.nanoTime()));
    }
    await(Future.all(pending), 30);
    await(Future.all(changes), 30);

    Set<ByteString> carolGot = messagesUntilControl(bob, carol);
    Set<ByteString> daveGot = messagesUntilControl(bob, dave);
    Set<ByteString> aliceGot = messagesUntilControl(bob, alice);
    assertThat(aliceGot).as("a member all along").containsExactlyInAnyOrderElementsOf(ids);
    int[] before = new int[2];
    int[] after = new int[2];
    for (int i = 0; i < sends; i++) {
      before[0] += answeredAt[i] < removal[0] ? 1 : 0;
      after[0] += askedAt[i] > removal[1] ? 1 : 0;
      before[1] += answeredAt[i] < addition[0] ? 1 : 0;
      after[1] += askedAt[i] > addition[1] ? 1 : 0;
      if (answeredAt[i] < removal[0]) {
        assertThat(carolGot).as("send %d, answered before the removal was asked for", i).contains(ids.get(i));
      }
      if (askedAt[i] > removal[1]) {
        assertThat(carolGot).as("send %d, asked for after the removal was answered", i).doesNotContain(ids.get(i));
      }
      if (answeredAt[i] < addition[0]) {
        assertThat(daveGot).as("send %d, answered before the addition was asked for", i).doesNotContain(ids.get(i));
      }
      if (askedAt[i] > addition[1]) {
        assertThat(daveGot).as("send %d, asked for after the addition was answered", i).contains(ids.get(i));
      }
    }
    assertThat(before).as("sends wholly before each change").doesNotContain(0);
    assertThat(after).as("sends wholly after each change").doesNotContain(0);
  }

  /** Runs {@code change}, noting when it was asked for ({@code at[0]}) and answered ({@code at[1]}). */
  private static Future<?> timed(long[] at, java.util.function.Supplier<Future<?>> change) {
    at[0] = System.nanoTime();
    return change.get().map(done -> at[1] = System.nanoTime());
  }

  /**
   * The group messages {@code to} receives before a 1:1 control message from {@code from}, sent
   * after all of them; a copy that came twice fails the test.
   */
  private static Set<ByteString> messagesUntilControl(TestDevice from, TestDevice to) {
    ByteString control = TestDevice.newMessageId();
    from.send(to.number(), List.of(to.deviceId()), control, "control");
    Set<ByteString> got = new HashSet<>();
    for (Envelope envelope = to.next(30); !envelope.getMessageId().equals(control); envelope = to.next(30)) {
      if (envelope.getType() == Envelope.Type.MESSAGE) {
        assertThat(got.add(envelope.getMessageId())).as("a copy delivered twice").isTrue();
      }
    }
    return got;
  }

  @Test
  void adminOnlySettingsAreEnforced() {
    TestDevice alice = server.device(server.register());
    TestDevice bob = server.device(server.register());
    TestDevice carol = server.device(server.register());
    TestDevice dave = server.device(server.register());
    Group group = GroupCalls.create(alice, List.of(bob.number()));
    String id = group.getId();
    GroupSettings adminsOnly = GroupSettings.newBuilder().setAddMembers(GroupRole.ADMINS).setSend(GroupRole.ADMINS)
        .setEditMetadata(GroupRole.ADMINS).build();

    assertThat(GroupCalls.settingsRaw(bob, id, adminsOnly).getStatus()).as("a member changes settings").isEqualTo(403);
    assertThat(GroupCalls.remove(bob, id, bob.number()).getMembersCount()).isEqualTo(1);
    GroupCalls.add(alice, id, bob.number());
    assertThat(GroupCalls.settingsRaw(alice, id, adminsOnly).getStatus()).isEqualTo(200);

    assertThat(GroupCalls.sendRaw(bob, id, TestDevice.newMessageId(), "hi").getStatus()).isEqualTo(403);
    assertThat(GroupCalls.addRaw(bob, id, carol.number()).getStatus()).isEqualTo(403);
    Response removeByMember = await(bob.connection().request("DELETE", "/v1/groups/" + id + "/members/" + alice.number(),
        Empty.getDefaultInstance()));
    assertThat(removeByMember.getStatus()).isEqualTo(403);
    Response metadataByMember = await(bob.connection().request("PUT", "/v1/groups/" + id + "/metadata",
        SetMetadataRequest.newBuilder().setMetadata(ByteString.copyFromUtf8("x")).build()));
    assertThat(metadataByMember.getStatus()).isEqualTo(403);
    assertThat(GroupCalls.sendRaw(alice, id, TestDevice.newMessageId(), "admins speak").getStatus()).isEqualTo(200);

    Group promoted = await(alice.connection().call("PUT", "/v1/groups/" + id + "/admins/" + bob.number(),
        Empty.getDefaultInstance(), Group.parser()));
    assertThat(promoted.getMembersList()).allMatch(m -> m.getAdmin());
    assertThat(GroupCalls.add(bob, id, carol.number()).getMembersCount()).isEqualTo(3);
    assertThat(GroupCalls.sendRaw(bob, id, TestDevice.newMessageId(), "now I may").getStatus()).isEqualTo(200);
    assertThat(GroupCalls.addRaw(alice, id, "+15559999999").getStatus()).as("no such account").isEqualTo(404);
    assertThat(GroupCalls.addRaw(dave, id, dave.number()).getStatus()).as("a stranger adds itself").isEqualTo(403);
  }

  @Test
  void metadataIsAnOpaqueBlobChangedByCompareAndSet() {
    TestDevice alice = server.device(server.register());
    TestDevice bob = server.device(server.register());
    Group group = GroupCalls.create(alice, List.of(bob.number()));
    String path = "/v1/groups/" + group.getId() + "/metadata";

    Group v1 = await(bob.connection().call("PUT", path, SetMetadataRequest.newBuilder()
        .setMetadata(ByteString.copyFromUtf8("encrypted name 1")).setExpectedVersion(0).build(), Group.parser()));
    Response stale = await(alice.connection().request("PUT", path, SetMetadataRequest.newBuilder()
        .setMetadata(ByteString.copyFromUtf8("encrypted name 2")).setExpectedVersion(0).build()));

    assertThat(v1.getMetadataVersion()).isEqualTo(1);
    assertThat(stale.getStatus()).isEqualTo(409);
    assertThat(GroupCalls.code(stale)).isEqualTo("VERSION_CONFLICT");
    Group read = await(alice.connection().call("GET", "/v1/groups/" + group.getId(), Empty.getDefaultInstance(),
        Group.parser()));
    assertThat(read.getMetadata().toStringUtf8()).isEqualTo("encrypted name 1");
    GroupCalls.next(alice, Envelope.Type.GROUP_EVENT);
    GroupEvent changed = GroupCalls.next(alice, Envelope.Type.GROUP_EVENT).getGroupEvent();
    assertThat(changed.getKind()).isEqualTo(GroupEvent.Kind.METADATA_CHANGED);
    assertThat(changed.getMetadataVersion()).isEqualTo(1);
  }

  @Test
  void groupEventsWaitInTheQueueForAnOfflineMember() {
    TestDevice alice = server.device(server.register());
    DeviceCredentials bobCredentials = server.register();
    TestDevice carol = server.device(server.register());
    Group group = GroupCalls.create(alice, List.of(bobCredentials.getNumber()));
    GroupCalls.add(alice, group.getId(), carol.number());
    GroupCalls.send(alice, group.getId(), TestDevice.newMessageId(), "while bob was away");

    TestDevice bob = server.device(bobCredentials);
    List<Envelope> queued = bob.take(3, 10);
    assertThat(queued).extracting(Envelope::getType)
        .containsExactly(Envelope.Type.GROUP_EVENT, Envelope.Type.GROUP_EVENT, Envelope.Type.MESSAGE);
    assertThat(queued.get(0).getGroupEvent().getRevision()).isEqualTo(1);
    assertThat(queued.get(1).getGroupEvent().getKind()).isEqualTo(GroupEvent.Kind.MEMBERS_ADDED);
    assertThat(queued.get(1).getGroupEvent().getMembersList()).containsExactly(carol.number());
  }

  private DeviceCredentials link(TestDevice primary) {
    LinkCode code = await(primary.connection().call("POST", "/v1/devices/link-code", Empty.getDefaultInstance(),
        LinkCode.parser()));
    return await(server.rest().link(primary.number(), code.getCode(), 77, "linked"));
  }

  /**
   * Proves an absence without waiting for it: a 1:1 control message from {@code from} is queued
   * after anything that reached {@code to} before, so it must be the very next delivery.
   */
  private static void assertControlComesNext(TestDevice from, TestDevice to, String what) {
    ByteString control = TestDevice.newMessageId();
    from.send(to.number(), List.of(to.deviceId()), control, "control");
    assertThat(to.next(30).getMessageId()).as(what).isEqualTo(control);
  }
}
