package org.sealpost.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;
import static org.sealpost.testing.Await.failure;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.protocol.GroupEvent;
import org.sealpost.testing.TestServer;

/**
 * Group chat end to end with libsignal Sender Keys: SDK clients, a real server, keys distributed
 * over the 1:1 sessions, rotation on removal, and new members.
 */
class GroupChatTest {
  @TempDir Path dir;
  private TestServer server;
  private final List<SealpostClient> clients = new ArrayList<>();

  private record Member(SealpostClient client, RecordingListener events) {
    String number() {
      return client.number();
    }
  }

  @BeforeEach
  void start() {
    server = new TestServer(dir.resolve("server"));
  }

  @AfterEach
  void stop() {
    for (SealpostClient client : clients) {
      await(client.close());
    }
    server.close();
  }

  private Member register(String name) {
    String number = TestServer.newNumber();
    String session = await(SealpostClient.requestCode(server.clients(), server.httpUri(), number)).getSessionId();
    SealpostClient client = await(SealpostClient.register(server.clients(), dir.resolve(name), server.httpUri(), number,
        session, TestServer.TEST_CODE, name), 30);
    clients.add(client);
    RecordingListener events = new RecordingListener();
    client.listener(events);
    await(client.connect(), 30);
    events.awaitQueueEmpty();
    return new Member(client, events);
  }

  @Test
  void threeMembersChat() {
    Member alice = register("alice");
    Member bob = register("bob");
    Member carol = register("carol");

    GroupInfo group = await(alice.client().createGroup("Trip", List.of(bob.number(), carol.number())), 30);
    await(alice.client().sendGroup(group.id(), "hello group"), 30);
    for (Member member : List.of(bob, carol)) {
      IncomingMessage message = member.events().nextMessage();
      assertThat(message.text()).isEqualTo("hello group");
      assertThat(message.sender()).isEqualTo(alice.number());
      assertThat(message.group()).contains(group.id());
    }
    await(bob.client().sendGroup(group.id(), "hi from bob"), 30);
    await(carol.client().sendGroup(group.id(), "and carol"), 30);

    assertThat(alice.events().nextMessage().text()).isEqualTo("hi from bob");
    assertThat(alice.events().nextMessage().text()).isEqualTo("and carol");
    assertThat(carol.events().nextMessage().text()).isEqualTo("hi from bob");
    IncomingMessage atBob = bob.events().nextMessage();
    assertThat(atBob.text()).isEqualTo("and carol");
    assertThat(atBob.conversation()).isEqualTo(group.id());
    assertThat(await(bob.client().group(group.id())).name()).as("name decrypted with the master key").contains("Trip");
    assertThat(group.admins()).containsExactly(alice.number());
    assertThat(bob.events().receivesNoMessageFor(300)).as("nobody gets their own message back").isTrue();
  }

  @Test
  void aGroupMessageSentAgainUnderItsIdReachesEveryMemberOnce() {
    Member alice = register("alice");
    Member bob = register("bob");
    GroupInfo group = await(alice.client().createGroup("Retry", List.of(bob.number())), 30);
    MessageId id = MessageId.random();

    SentMessage first = await(alice.client().sendGroup(group.id(), "once", id), 30);
    SentMessage again = await(alice.client().sendGroup(group.id(), "once", id), 30);
    await(alice.client().sendGroup(group.id(), "after"), 30);

    assertThat(first.isDuplicate()).isFalse();
    assertThat(again.isDuplicate()).as("the server had it").isTrue();
    assertThat(again.serverTimestamp()).isEqualTo(first.serverTimestamp());
    IncomingMessage once = bob.events().nextMessage();
    assertThat(once.text()).isEqualTo("once");
    assertThat(once.id()).isEqualTo(id);
    assertThat(bob.events().nextMessage().text()).as("the next one, not a second copy").isEqualTo("after");
  }

  @Test
  void aRemovedMemberGetsNothingAndCannotDecryptNewMessages() {
    Member alice = register("alice");
    Member bob = register("bob");
    Member carol = register("carol");
    GroupInfo group = await(alice.client().createGroup("Club", List.of(bob.number(), carol.number())), 30);
    await(alice.client().sendGroup(group.id(), "before"), 30);
    await(bob.client().sendGroup(group.id(), "bob before"), 30);
    assertThat(carol.events().nextMessage().text()).isEqualTo("before");
    assertThat(carol.events().nextMessage().text()).isEqualTo("bob before");

    await(alice.client().removeGroupMember(group.id(), carol.number()));
    assertThat(nextEvent(carol, GroupEvent.Kind.MEMBERS_REMOVED).getMembersList()).containsExactly(carol.number());
    nextEvent(bob, GroupEvent.Kind.MEMBERS_REMOVED);
    await(alice.client().sendGroup(group.id(), "after"), 30);
    await(bob.client().sendGroup(group.id(), "bob after"), 30);

    assertThat(bob.events().nextMessage().text()).isEqualTo("before");
    assertThat(bob.events().nextMessage().text()).isEqualTo("after");
    assertThat(alice.events().nextMessage().text()).isEqualTo("bob before");
    assertThat(alice.events().nextMessage().text()).isEqualTo("bob after");
    assertThat(carol.events().receivesNoMessageFor(500)).isTrue();

    byte[] captured = await(alice.client().encryptGroupMessage(group.id(), "captured"));
    byte[] capturedFromBob = await(bob.client().encryptGroupMessage(group.id(), "captured too"));
    assertThat(await(bob.client().decryptGroupMessage(alice.number(), 1, captured))).isEqualTo("captured");
    assertThat(failure(carol.client().decryptGroupMessage(alice.number(), 1, captured))).isNotNull();
    assertThat(failure(carol.client().decryptGroupMessage(bob.number(), 1, capturedFromBob))).isNotNull();
  }

  @Test
  void aNewMemberReadsNewMessages() {
    Member alice = register("alice");
    Member bob = register("bob");
    Member dave = register("dave");
    GroupInfo group = await(alice.client().createGroup("Team", List.of(bob.number())), 30);
    await(alice.client().sendGroup(group.id(), "only bob sees this"), 30);
    await(bob.client().sendGroup(group.id(), "bob too"), 30);

    GroupInfo grown = await(alice.client().addGroupMembers(group.id(), List.of(dave.number())));
    assertThat(grown.members()).containsExactly(alice.number(), bob.number(), dave.number());
    assertThat(nextEvent(bob, GroupEvent.Kind.MEMBERS_ADDED).getMembersList()).containsExactly(dave.number());
    await(alice.client().sendGroup(group.id(), "welcome dave"), 30);
    await(bob.client().sendGroup(group.id(), "hi dave"), 30);

    IncomingMessage first = dave.events().nextMessage();
    IncomingMessage second = dave.events().nextMessage();
    assertThat(first.text()).isEqualTo("welcome dave");
    assertThat(first.group()).contains(group.id());
    assertThat(second.text()).isEqualTo("hi dave");
    assertThat(await(dave.client().group(group.id())).name()).contains("Team");
    assertThat(dave.events().receivesNoMessageFor(300)).isTrue();
  }

  private static GroupEvent nextEvent(Member member, GroupEvent.Kind kind) {
    while (true) {
      GroupEvent event = member.events().nextGroupEvent();
      if (event.getKind() == kind) {
        return event;
      }
    }
  }
}
