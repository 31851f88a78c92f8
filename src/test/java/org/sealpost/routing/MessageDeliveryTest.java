package org.sealpost.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sealpost.client.WireConnection;
import org.sealpost.protocol.ContentType;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.Envelope;
import org.sealpost.protocol.LinkCode;
import org.sealpost.protocol.OutgoingMessage;
import org.sealpost.protocol.ReadReceiptRequest;
import org.sealpost.protocol.SendMessageRequest;
import org.sealpost.protocol.SendMessageResponse;
import org.sealpost.testing.Await;
import org.sealpost.testing.CuttingProxy;
import org.sealpost.testing.TestDevice;
import org.sealpost.testing.TestServer;
import org.sealpost.testing.TestServer.Transport;

/** The tick system end to end, over both transports: single, double and blue ticks. */
class MessageDeliveryTest {
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

  @ParameterizedTest
  @EnumSource(Transport.class)
  void onlineMessageIsDeliveredAndTheSenderGetsTheDoubleTick(Transport transport) {
    TestDevice alice = server.device(server.register(), transport);
    TestDevice bob = server.device(server.register(), transport);
    bob.awaitQueueEmpty(5);
    ByteString id = TestDevice.newMessageId();

    SendMessageResponse tick = alice.send(bob.number(), List.of(1), id, "hello bob");
    Envelope received = bob.next();
    Envelope receipt = alice.next();

    assertThat(tick.getServerTimestamp()).isPositive();
    assertThat(tick.getDuplicate()).isFalse();
    assertThat(received.getType()).isEqualTo(Envelope.Type.MESSAGE);
    assertThat(received.getMessageId()).isEqualTo(id);
    assertThat(received.getSource()).isEqualTo(alice.number());
    assertThat(received.getSourceDevice()).isEqualTo(1);
    assertThat(received.getContent().toStringUtf8()).isEqualTo("hello bob@1");
    assertThat(received.getServerTimestamp()).isEqualTo(tick.getServerTimestamp());
    assertThat(receipt.getType()).isEqualTo(Envelope.Type.DELIVERY_RECEIPT);
    assertThat(receipt.getReceiptMessageIdsList()).containsExactly(id);
    assertThat(receipt.getSource()).isEqualTo(bob.number());
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void offlineRecipientDrainsInOrderThenGetsQueueEmptyThenLiveTraffic(Transport transport) {
    TestDevice alice = server.device(server.register(), transport);
    DeviceCredentials bobCredentials = server.register();
    List<ByteString> ids = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      ids.add(TestDevice.newMessageId());
      alice.send(bobCredentials.getNumber(), List.of(1), ids.get(i), "offline " + i);
    }

    TestDevice bob = server.device(bobCredentials, transport);
    List<Envelope> drained = bob.take(20, 10);
    bob.awaitQueueEmpty(5);
    ByteString live = TestDevice.newMessageId();
    alice.send(bob.number(), List.of(1), live, "live");

    assertThat(drained).extracting(Envelope::getMessageId).containsExactlyElementsOf(ids);
    assertThat(bob.next().getMessageId()).isEqualTo(live);
    List<ByteString> all = new ArrayList<>(ids);
    all.add(live);
    List<Envelope> receipts = alice.takeReceipts(Envelope.Type.DELIVERY_RECEIPT, all, 10);
    assertThat(receipts).flatExtracting(Envelope::getReceiptMessageIdsList).containsExactlyInAnyOrderElementsOf(all);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void readReceiptsBecomeBlueTicksForTheSender(Transport transport) {
    TestDevice alice = server.device(server.register(), transport);
    DeviceCredentials bobCredentials = server.register();
    ByteString first = TestDevice.newMessageId();
    ByteString second = TestDevice.newMessageId();
    alice.send(bobCredentials.getNumber(), List.of(1), first, "one");
    alice.send(bobCredentials.getNumber(), List.of(1), second, "two");
    alice.close();
    TestDevice bob = server.device(bobCredentials, transport);
    bob.take(2, 10);

    await(bob.connection().call("PUT", "/v1/receipts/read", ReadReceiptRequest.newBuilder()
        .setDestination(alice.number()).addMessageIds(first).addMessageIds(second).setTimestamp(1234).build(),
        Empty.parser()));
    TestDevice aliceAgain = server.device(alice.credentials(), transport);
    List<Envelope> receipts = aliceAgain.takeReceipts(Envelope.Type.DELIVERY_RECEIPT, List.of(first, second), 10);
    if (receipts.stream().noneMatch(e -> e.getType() == Envelope.Type.READ_RECEIPT)) {
      receipts.add(aliceAgain.next());
    }

    assertThat(receipts).filteredOn(e -> e.getType() == Envelope.Type.DELIVERY_RECEIPT)
        .flatExtracting(Envelope::getReceiptMessageIdsList).containsExactlyInAnyOrder(first, second);
    Envelope read = receipts.stream().filter(e -> e.getType() == Envelope.Type.READ_RECEIPT).findFirst().orElseThrow();
    assertThat(read.getReceiptMessageIdsList()).containsExactly(first, second);
    assertThat(read.getSource()).isEqualTo(bob.number());
    assertThat(read.getServerTimestamp()).isEqualTo(1234);
  }

  /**
   * The server does not look read receipts' ids up: one that names a message never sent and one
   * that names alice's message to carol, not to bob, both reach alice from bob. Clients drop them.
   */
  @Test
  void readReceiptsPassOnIdsTheServerNeverLooksUp() {
    TestDevice alice = server.device(server.register());
    TestDevice bob = server.device(server.register());
    DeviceCredentials carol = server.register();
    ByteString neverSent = TestDevice.newMessageId();
    ByteString toCarol = TestDevice.newMessageId();
    alice.send(carol.getNumber(), List.of(1), toCarol, "for carol only");
    alice.awaitQueueEmpty(5);

    await(bob.connection().call("PUT", "/v1/receipts/read", ReadReceiptRequest.newBuilder()
        .setDestination(alice.number()).addMessageIds(neverSent).addMessageIds(toCarol).setTimestamp(42).build(),
        Empty.parser()));

    Envelope read = alice.next();
    assertThat(read.getType()).isEqualTo(Envelope.Type.READ_RECEIPT);
    assertThat(read.getReceiptMessageIdsList()).containsExactly(neverSent, toCarol);
    assertThat(read.getSource()).isEqualTo(bob.number());
    assertThat(read.getSourceDevice()).isEqualTo(bob.deviceId());
    assertThat(read.getServerTimestamp()).isEqualTo(42);

    // What is checked: the shape, and that the destination exists.
    ReadReceiptRequest.Builder none = ReadReceiptRequest.newBuilder().setDestination(alice.number());
    ReadReceiptRequest.Builder tooMany = ReadReceiptRequest.newBuilder().setDestination(alice.number());
    for (int i = 0; i < 101; i++) {
      tooMany.addMessageIds(TestDevice.newMessageId());
    }
    ReadReceiptRequest.Builder shortId = ReadReceiptRequest.newBuilder().setDestination(alice.number())
        .addMessageIds(ByteString.copyFrom(new byte[15]));
    ReadReceiptRequest.Builder nobody = ReadReceiptRequest.newBuilder().setDestination("+15559999999")
        .addMessageIds(neverSent);
    for (ReadReceiptRequest.Builder refused : List.of(none, tooMany, shortId)) {
      assertThat(await(bob.connection().request("PUT", "/v1/receipts/read", refused.build())).getStatus())
          .as("%d ids", refused.getMessageIdsCount()).isEqualTo(400);
    }
    assertThat(await(bob.connection().request("PUT", "/v1/receipts/read", nobody.build())).getStatus()).isEqualTo(404);
    assertThat(alice.receivesNothingFor(200)).as("no receipt from the refused ones").isTrue();
  }

  /**
   * Content is opaque: every byte value, no Signal structure, under a type that does not match
   * it, arrives byte for byte with the type the sender set.
   */
  @ParameterizedTest
  @EnumSource(Transport.class)
  void contentIsDeliveredByteForByteWithoutBeingParsed(Transport transport) {
    TestDevice alice = server.device(server.register(), transport);
    TestDevice bob = server.device(server.register(), transport);
    byte[] bytes = new byte[4096];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (i * 7 + i / 256); // each of the 256 values, 16 times, in no Signal shape
    }
    ByteString id = TestDevice.newMessageId();

    await(alice.connection().call("PUT", "/v1/messages", SendMessageRequest.newBuilder().setMessageId(id)
        .setDestination(bob.number()).addMessages(OutgoingMessage.newBuilder().setDeviceId(1)
            .setType(ContentType.PREKEY_MESSAGE).setContent(ByteString.copyFrom(bytes))).build(),
        SendMessageResponse.parser()));

    Envelope received = bob.next();
    assertThat(received.getMessageId()).isEqualTo(id);
    assertThat(received.getContent().toByteArray()).isEqualTo(bytes);
    assertThat(received.getContentType()).isEqualTo(ContentType.PREKEY_MESSAGE);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void resendOfOneMessageIdIsStoredAndDeliveredOnce(Transport transport) {
    TestDevice alice = server.device(server.register(), transport);
    DeviceCredentials bobCredentials = server.register();
    ByteString id = TestDevice.newMessageId();

    SendMessageResponse first = alice.sendFirstAttempt(bobCredentials.getNumber(), List.of(1), id, "once");
    SendMessageResponse retry = alice.send(bobCredentials.getNumber(), List.of(1), id, "once");
    ByteString next = TestDevice.newMessageId();
    alice.send(bobCredentials.getNumber(), List.of(1), next, "after");
    TestDevice bob = server.device(bobCredentials, transport);

    assertThat(retry.getDuplicate()).isTrue();
    assertThat(retry.getServerTimestamp()).isEqualTo(first.getServerTimestamp());
    // The message sent after the retry is the control: a second copy would be queued before it.
    assertThat(bob.take(2, 10)).extracting(Envelope::getMessageId).containsExactly(id, next);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void thousandMessagesArriveInOrder(Transport transport) {
    TestDevice alice = server.device(server.register(), transport);
    TestDevice bob = server.device(server.register(), transport);
    List<ByteString> ids = new ArrayList<>();
    List<io.vertx.core.Future<SendMessageResponse>> sends = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      ByteString id = TestDevice.newMessageId();
      ids.add(id);
      sends.add(alice.sendAsync(bob.number(), List.of(1), id, "m" + i));
    }
    await(io.vertx.core.Future.all(sends), 60);

    assertThat(bob.take(1000, 60)).extracting(Envelope::getMessageId).containsExactlyElementsOf(ids);
  }

  /**
   * A link dropped in the middle of a drain: whatever the first connection got, the next one
   * starts again from the oldest message not acknowledged, so each sender's messages arrive in the
   * order sent on each connection (a copy whose ack was lost may come twice), none missing, with
   * new messages sent meanwhile behind them.
   */
  @Test
  void orderPerSendingDeviceSurvivesACutInTheMiddleOfADrain() {
    TestDevice alice = server.device(server.register());
    TestDevice carol = server.device(server.register());
    DeviceCredentials bobCredentials = server.register();
    Map<String, List<ByteString>> sent = Map.of(alice.number(), new ArrayList<>(), carol.number(), new ArrayList<>());
    for (int i = 0; i < 100; i++) {
      for (TestDevice sender : List.of(alice, carol)) {
        ByteString id = TestDevice.newMessageId();
        sent.get(sender.number()).add(id);
        sender.send(bobCredentials.getNumber(), List.of(1), id, "queued " + i);
      }
    }

    List<Envelope> first;
    try (CuttingProxy proxy = new CuttingProxy(server.clients()).forwardTo(server.server().tcpPort())) {
      proxy.cutDownstreamAfter(8 * 1024);
      TestDevice cut = new TestDevice(bobCredentials,
          await(WireConnection.tcp(server.clients(), "127.0.0.1", proxy.port())));
      cut.awaitClosed(10);
      first = cut.take(cut.inboxSize(), 1);
      assertThat(proxy.cuts()).isEqualTo(1);
    }
    assertThat(first.size()).as("delivered before the cut").isBetween(1, 199);

    List<io.vertx.core.Future<SendMessageResponse>> meanwhile = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      for (TestDevice sender : List.of(alice, carol)) {
        ByteString id = TestDevice.newMessageId();
        sent.get(sender.number()).add(id);
        meanwhile.add(sender.sendAsync(bobCredentials.getNumber(), List.of(1), id, "meanwhile " + i));
      }
    }
    TestDevice bob = server.device(bobCredentials);
    Set<ByteString> missing = new HashSet<>(sent.get(alice.number()));
    missing.addAll(sent.get(carol.number()));
    first.forEach(envelope -> missing.remove(envelope.getMessageId()));
    List<Envelope> second = new ArrayList<>();
    while (!missing.isEmpty()) {
      Envelope envelope = bob.next(10);
      if (envelope.getType() == Envelope.Type.MESSAGE) {
        second.add(envelope);
        missing.remove(envelope.getMessageId());
      }
    }
    await(io.vertx.core.Future.all(meanwhile), 30);

    for (List<Envelope> connection : List.of(first, second)) {
      for (Map.Entry<String, List<ByteString>> sender : sent.entrySet()) {
        List<Integer> positions = connection.stream().filter(e -> e.getSource().equals(sender.getKey()))
            .map(e -> sender.getValue().indexOf(e.getMessageId())).toList();
        assertThat(positions).as("where one sender's messages on one connection were in its sending order")
            .doesNotContain(-1).doesNotHaveDuplicates().isSorted();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void everyRecipientDeviceAndTheSendersOtherDeviceGetTheirCopy(Transport transport) throws Exception {
    DeviceCredentials aliceCredentials = server.register();
    TestDevice alice = server.device(aliceCredentials, transport);
    DeviceCredentials laptopCredentials = link(alice);
    TestDevice aliceLaptop = server.device(laptopCredentials, transport);
    TestDevice bob = server.device(server.register(), transport);
    TestDevice bob2 = server.device(link(bob), transport);
    TestDevice bob3 = server.device(link(bob), transport);
    ByteString id = TestDevice.newMessageId();

    alice.send(bob.number(), List.of(1, 2, 3), id, "to all of bob");
    alice.send(alice.number(), List.of(2), id, "transcript");

    for (TestDevice device : List.of(bob, bob2, bob3)) {
      Envelope copy = device.next();
      assertThat(copy.getMessageId()).isEqualTo(id);
      assertThat(copy.getContent().toStringUtf8()).isEqualTo("to all of bob@" + device.deviceId());
    }
    // The laptop gets the transcript and bob's three delivery receipts, in whatever order they race.
    List<Envelope> laptop = aliceLaptop.take(4, 10);
    Envelope transcript = laptop.stream().filter(e -> e.getType() == Envelope.Type.MESSAGE).findFirst().orElseThrow();
    assertThat(transcript.getContent().toStringUtf8()).isEqualTo("transcript@2");
    assertThat(transcript.getDestination()).isEqualTo(alice.number());
    assertThat(laptop).filteredOn(e -> e.getType() == Envelope.Type.DELIVERY_RECEIPT).hasSize(3);
    // Three delivery receipts (one per bob device) reach alice too; none for the transcript.
    assertThat(alice.take(3, 10)).allMatch(e -> e.getType() == Envelope.Type.DELIVERY_RECEIPT);
    // The write that stores the laptop's acks queues their receipts too: once a new connection of
    // the laptop drains nothing, a receipt for the transcript would be in alice's queue already,
    // before the control message.
    aliceLaptop.close();
    Await.until("the laptop's acks stored", Duration.ofSeconds(15), () -> {
      try (TestDevice laptopAgain = server.device(laptopCredentials, transport)) {
        laptopAgain.awaitQueueEmpty(5);
        return laptopAgain.inboxSize() == 0;
      }
    });
    ByteString control = TestDevice.newMessageId();
    bob.send(alice.number(), List.of(1, 2), control, "control");
    assertThat(alice.next().getMessageId()).as("no receipt for the transcript").isEqualTo(control);
  }

  private DeviceCredentials link(TestDevice primary) {
    LinkCode code = await(primary.connection().call("POST", "/v1/devices/link-code", Empty.getDefaultInstance(), LinkCode.parser()));
    return await(server.rest().link(primary.number(), code.getCode(), 77, "linked"));
  }
}
