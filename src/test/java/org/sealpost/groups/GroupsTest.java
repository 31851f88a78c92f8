package org.sealpost.groups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
    GroupSendResponse tick = GroupCalls.send(alice, group.getId(), id, "sender-key ciphertext");

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
