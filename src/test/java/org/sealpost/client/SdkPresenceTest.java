package org.sealpost.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;
import static org.sealpost.testing.Await.failure;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.protocol.PrivacySettings;
import org.sealpost.protocol.Visibility;
import org.sealpost.testing.TestServer;

/** The SDK surface of presence, typing, privacy, contacts and blocking, with real libsignal clients. */
class SdkPresenceTest {
  @TempDir Path dir;
  private TestServer server;
  private final List<SealpostClient> clients = new ArrayList<>();

  /** Presence and typing callbacks, for the test thread to wait on. */
  private static final class Events implements ClientListener {
    final BlockingQueue<Presence> presence = new LinkedBlockingQueue<>();
    final BlockingQueue<Typing> typing = new LinkedBlockingQueue<>();

    @Override
    public void onPresence(Presence state) {
      presence.add(state);
    }

    @Override
    public void onTyping(Typing event) {
      typing.add(event);
    }

    static <T> T next(BlockingQueue<T> queue) {
      try {
        T value = queue.poll(10, TimeUnit.SECONDS);
        assertThat(value).as("an event within 10 s").isNotNull();
        return value;
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @BeforeEach
  void start() {
    server = new TestServer(dir.resolve("server"));
  }

  @AfterEach
  void stop() {
    clients.forEach(client -> await(client.close()));
    server.close();
  }

  private SealpostClient register(String name, Events events) {
    String number = TestServer.newNumber();
    String session = await(SealpostClient.requestCode(server.clients(), server.httpUri(), number)).getSessionId();
    SealpostClient client = await(SealpostClient.register(server.clients(), dir.resolve(name), server.httpUri(),
        number, session, TestServer.TEST_CODE, name), 30);
    clients.add(client);
    client.listener(events);
    // Start from default settings (a reused test number on Cassandra may carry an earlier owner's).
    await(client.setPrivacy(PrivacySettings.getDefaultInstance()));
    await(client.uploadContacts(List.of()));
    for (String blocked : await(client.blocked())) {
      await(client.unblock(blocked));
    }
    return client;
  }

  @Test
  void presenceTypingPrivacyContactsAndBlocking() {
    Events aliceEvents = new Events();
    Events bobEvents = new Events();
    SealpostClient alice = register("alice", aliceEvents);
    SealpostClient bob = register("bob", bobEvents);

    assertThat(failure(alice.subscribePresence(List.of(bob.number()))))
        .as("presence needs a connection").isInstanceOf(IllegalStateException.class);
    await(alice.connect(), 30);
    List<Presence> now = await(alice.subscribePresence(List.of(bob.number())));
    assertThat(now).singleElement().satisfies(p -> assertThat(p.online()).isFalse());

    await(bob.connect(), 30);
    Presence online = Events.next(aliceEvents.presence);
    assertThat(online.number()).isEqualTo(bob.number());
    assertThat(online.online()).isTrue();

    await(bob.typing(alice.number(), true));
    Typing typing = Events.next(aliceEvents.typing);
    assertThat(typing.sender()).isEqualTo(bob.number());
    assertThat(typing.composing()).isTrue();
    assertThat(typing.groupId()).isEmpty();

    // Contacts: Bob's book holds Alice; his settings show presence to contacts only.
    assertThat(await(bob.uploadContacts(List.of(alice.number(), "+15550999999")))).containsExactly(alice.number());
    PrivacySettings contactsOnly = PrivacySettings.newBuilder().setLastSeen(Visibility.CONTACTS)
        .setOnline(Visibility.CONTACTS).setReadReceiptsOff(true).build();
    assertThat(await(bob.setPrivacy(contactsOnly))).isEqualTo(contactsOnly);
    assertThat(await(bob.privacy())).isEqualTo(contactsOnly);
    // ... and they take effect: Alice, a contact, still sees him online; Carol, not one, may see
    // neither, so she gets no presence of his at all (docs/protocol.md).
    assertThat(await(alice.subscribePresence(List.of(bob.number())))).singleElement()
        .satisfies(p -> assertThat(p.online()).isTrue());
    SealpostClient carol = register("carol", new Events());
    await(carol.connect(), 30);
    assertThat(await(carol.subscribePresence(List.of(bob.number())))).as("Bob's presence for a non-contact").isEmpty();

    // Blocked, Alice can no longer message Bob; unblocked she can.
    await(bob.block(alice.number()));
    assertThat(await(bob.blocked())).containsExactly(alice.number());
    RequestFailedException refused = (RequestFailedException) failure(alice.send(bob.number(), "hello?"));
    assertThat(refused.error().getCode()).isEqualTo("BLOCKED");
    await(bob.unblock(alice.number()));
    assertThat(await(bob.blocked())).isEmpty();
    await(alice.send(bob.number(), "hello!"));
  }
}
