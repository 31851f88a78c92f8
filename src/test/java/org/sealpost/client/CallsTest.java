package org.sealpost.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;
import static org.sealpost.testing.Await.failure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.client.CallEvent.Kind;
import org.sealpost.testing.TestServer;

/**
 * Call signalling between two SDK clients through a real server: offer, answer, ICE and hangup
 * reach the peer; busy; an offer to a callee with no connected device is stored as a missed call
 * and the caller told it is unreachable; the ring timeout; and the server never holding the SDP.
 */
class CallsTest {
  private static final String OFFER = "v=0 o=alice-offer-sdp 1 IN IP4 192.0.2.1";
  private static final String ANSWER = "v=0 o=bob-answer-sdp 2 IN IP4 198.51.100.7";

  @TempDir Path dir;
  private TestServer server;
  private final List<Device> devices = new ArrayList<>();

  private record Device(SealpostClient client, RecordingListener events, Path state) {
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
    for (Device device : devices) {
      await(device.client().close());
    }
    server.close();
  }

  @Test
  void offerAnswerIceAndHangupReachThePeer() throws Exception {
    Device alice = register("alice");
    Device bob = register("bob");

    OutgoingCall call = await(alice.client().call(bob.number(), OFFER), 30);
    assertThat(call.reachable()).isTrue();
    CallEvent ringing = bob.events().nextCall();
    assertThat(ringing.kind()).isEqualTo(Kind.RINGING);
    assertThat(ringing.callId()).isEqualTo(call.callId());
    assertThat(ringing.peer()).isEqualTo(alice.number());
    assertThat(ringing.sdp()).isEqualTo(OFFER);

    await(bob.client().answerCall(call.callId(), ANSWER), 30);
    CallEvent answered = alice.events().nextCall();
    assertThat(answered.kind()).isEqualTo(Kind.ANSWERED);
    assertThat(answered.sdp()).isEqualTo(ANSWER);

    await(alice.client().sendIceCandidates(call.callId(), List.of("candidate:1 1 udp 2122260223 192.0.2.1 50000 typ host")));
    await(bob.client().sendIceCandidates(call.callId(), List.of("candidate:2 1 udp 2122260223 198.51.100.7 50001 typ host",
        "candidate:3 1 udp 1686052607 203.0.113.9 61000 typ srflx")));
    CallEvent toBob = bob.events().nextCall();
    assertThat(toBob.kind()).isEqualTo(Kind.ICE);
    assertThat(toBob.iceCandidates()).containsExactly("candidate:1 1 udp 2122260223 192.0.2.1 50000 typ host");
    CallEvent toAlice = alice.events().nextCall();
    assertThat(toAlice.kind()).isEqualTo(Kind.ICE);
    assertThat(toAlice.iceCandidates()).hasSize(2);

    await(alice.client().hangUp(call.callId()));
    CallEvent ended = bob.events().nextCall();
    assertThat(ended.kind()).isEqualTo(Kind.HUNG_UP);
    assertThat(ended.callId()).isEqualTo(call.callId());
    // Call signals are not messages: nothing shows up as a chat message or a tick.
    assertThat(bob.events().noMessageFor(300)).isTrue();
  }

  @Test
  void aCalleeInAnotherCallAnswersBusy() {
    Device alice = register("alice");
    Device bob = register("bob");

    OutgoingCall call = await(alice.client().call(bob.number(), OFFER), 30);
    assertThat(bob.events().nextCall().kind()).isEqualTo(Kind.RINGING);
    await(bob.client().busy(call.callId()), 30);

    CallEvent busy = alice.events().nextCall();
    assertThat(busy.kind()).isEqualTo(Kind.BUSY);
    assertThat(busy.callId()).isEqualTo(call.callId());
    // The call is over on both sides.
    assertThat(failure(alice.client().hangUp(call.callId()))).isInstanceOf(IllegalStateException.class)
        .hasMessage("no call " + call.callId());
  }

  @Test
  void anOfflineCalleeIsUnreachableAndSeesAMissedCallWhenItConnects() throws Exception {
    Device alice = register("alice");
    Device bob = register("bob");
    await(bob.client().close());
    devices.remove(bob);

    OutgoingCall call = await(alice.client().call(bob.number(), OFFER), 30);

    assertThat(call.reachable()).isFalse();
    // The stored offer is ciphertext: the SDP is nowhere in the server's files (the data directory,
    // or on the Cassandra pass Cassandra's commit log and tables).
    assertThat(filesContaining(server.storageDirectory(), "alice-offer-sdp")).isEmpty();
    Device bobAgain = reopen(bob);
    CallEvent missed = bobAgain.events().nextCall();
    assertThat(missed.kind()).isEqualTo(Kind.MISSED);
    assertThat(missed.callId()).isEqualTo(call.callId());
    assertThat(missed.peer()).isEqualTo(alice.number());
    // A missed call does not ring, and is not delivered again on the next connection.
    Device bobThird = reopen(bobAgain);
    bobThird.events().awaitQueueEmpty();
    assertThat(bobThird.events().noCallFor(500)).isTrue();
  }

  @Test
  void anUnansweredCallEndsAfterTheRingTimeoutAsNoAnswerAndMissed() {
    Device alice = register("alice");
    Device bob = register("bob");
    alice.client().ringTimeout(Duration.ofSeconds(2));

    OutgoingCall call = await(alice.client().call(bob.number(), OFFER), 30);
    assertThat(bob.events().nextCall().kind()).isEqualTo(Kind.RINGING);

    CallEvent noAnswer = alice.events().nextCall();
    assertThat(noAnswer.kind()).isEqualTo(Kind.NO_ANSWER);
    assertThat(noAnswer.callId()).isEqualTo(call.callId());
    CallEvent missed = bob.events().nextCall();
    assertThat(missed.kind()).isEqualTo(Kind.MISSED);
    assertThat(missed.callId()).isEqualTo(call.callId());
    // Too late to answer.
    assertThat(failure(bob.client().answerCall(call.callId(), ANSWER))).isInstanceOf(IllegalStateException.class)
        .hasMessage("no incoming call " + call.callId() + " is ringing");
  }

  private Device register(String name) {
    String number = TestServer.newNumber();
    String session = await(SealpostClient.requestCode(server.clients(), server.httpUri(), number)).getSessionId();
    Path state = dir.resolve(name);
    SealpostClient client = await(SealpostClient.register(server.clients(), state, server.httpUri(), number,
        session, TestServer.TEST_CODE, name), 30);
    return connect(client, state);
  }

  private Device reopen(Device device) {
    if (devices.remove(device)) {
      await(device.client().close());
    }
    return connect(await(SealpostClient.open(server.clients(), device.state())), device.state());
  }

  private Device connect(SealpostClient client, Path state) {
    RecordingListener events = new RecordingListener();
    client.listener(events);
    await(client.connect(), 30);
    Device device = new Device(client, events, state);
    devices.add(device);
    return device;
  }

  private static List<Path> filesContaining(Path root, String text) throws IOException {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    List<Path> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        byte[] bytes;
        try {
          bytes = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException gone) {
          continue; // Cassandra compacted it away meanwhile: its rows are in the files that replaced it
        }
        String haystack = new String(bytes, StandardCharsets.ISO_8859_1);
        if (haystack.contains(new String(needle, StandardCharsets.ISO_8859_1))) {
          found.add(file);
        }
      }
    }
    return found;
  }
}
