package org.sealpost.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;
import static org.sealpost.testing.Await.failure;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.google.protobuf.Empty;
import io.vertx.core.Future;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.protocol.LinkCode;
import org.sealpost.protocol.PreKeyBundles;
import org.sealpost.protocol.PreKeyCount;
import org.sealpost.testing.TestDevice;
import org.sealpost.testing.TestServer;
import org.slf4j.LoggerFactory;

/**
 * SDK clients with real libsignal state talking through a real server: PQXDH sessions,
 * messages both ways, linked devices, ticks, safety-number changes, restarts, and a server that
 * never holds a readable byte of what was said.
 */
class EndToEndTest {
  @TempDir Path dir;
  private TestServer server;
  private final List<Device> devices = new ArrayList<>();

  /** A client, what it reported, and where its state lives. */
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

  private Device register(String name) {
    return register(name, TestServer.newNumber());
  }

  private Device register(String name, String number) {
    return register(name, number, false);
  }

  private Device register(String name, String number, boolean overTcp) {
    String session = await(SealpostClient.requestCode(server.clients(), server.httpUri(), number)).getSessionId();
    Path state = dir.resolve(name);
    SealpostClient client = await(SealpostClient.register(server.clients(), state, server.httpUri(), number,
        session, TestServer.TEST_CODE, name), 30);
    return overTcp ? connect(client, state, () -> client.connectTcp(server.server().tcpPort())) : connect(client, state);
  }

  private Device link(Device primary, String name) {
    LinkCode code = await(primary.client().createLinkCode());
    Path state = dir.resolve(name);
    SealpostClient client = await(SealpostClient.link(server.clients(), state, server.httpUri(), primary.number(),
        code.getCode(), name), 30);
    return connect(client, state);
  }

  private Device reopen(Device device) {
    return reopen(device, SealpostClient.DEFAULT_KEEPALIVE);
  }

  private Device reopen(Device device, Duration keepalive) {
    await(device.client().close());
    devices.remove(device);
    SealpostClient reopened = await(SealpostClient.open(server.clients(), device.state())).keepalive(keepalive);
    return connect(reopened, device.state());
  }

  private Device connect(SealpostClient client, Path state) {
    return connect(client, state, client::connect);
  }

  private Device connect(SealpostClient client, Path state, java.util.function.Supplier<Future<Void>> connect) {
    RecordingListener events = new RecordingListener();
    client.listener(events);
    await(connect.get(), 30);
    Device device = new Device(client, events, state);
    devices.add(device);
    return device;
  }

  @Test
  void receiptsForMessagesNotSentToTheirSenderAreDropped() {
    Device alice = register("alice");
    Device bob = register("bob");
    Device mallory = register("mallory");

    SentMessage toBob = await(alice.client().send(bob.number(), "for bob only"), 30);
    bob.events().nextMessage();
    assertThat(alice.events().nextReceipt().messageIds()).containsExactly(toBob.id());
    // Mallory "reads" an id alice never sent anyone and one she sent to bob: the server carries
    // both (it cannot tell), alice's device shows neither.
    await(mallory.client().markRead(alice.number(), List.of(MessageId.random(), toBob.id())));
    await(bob.client().markRead(alice.number(), List.of(toBob.id())));

    Receipt next = alice.events().nextReceipt();
    assertThat(next.by()).isEqualTo(bob.number());
    assertThat(next.kind()).isEqualTo(Receipt.Kind.READ);
    assertThat(next.messageIds()).containsExactly(toBob.id());
  }

  @Test
  void twoClientsTalkBothWaysWithDeliveryAndReadTicks() {
    Device alice = register("alice");
    Device bob = register("bob");

    SentMessage hello = await(alice.client().send(bob.number(), "hello bob"), 30);
    IncomingMessage received = bob.events().nextMessage();
    Receipt delivered = alice.events().nextReceipt();
    await(bob.client().markRead(alice.number(), List.of(received.id())));
    Receipt read = alice.events().nextReceipt();
    SentMessage reply = await(bob.client().send(alice.number(), "hi alice"));
    IncomingMessage replyReceived = alice.events().nextMessage();

    assertThat(received.sender()).isEqualTo(alice.number());
    assertThat(received.senderDevice()).isEqualTo(1);
    assertThat(received.text()).isEqualTo("hello bob");
    assertThat(received.id()).isEqualTo(hello.id());
    assertThat(received.isSentTranscript()).isFalse();
    assertThat(delivered.kind()).isEqualTo(Receipt.Kind.DELIVERED);
    assertThat(delivered.by()).isEqualTo(bob.number());
    assertThat(delivered.messageIds()).containsExactly(hello.id());
    assertThat(read.kind()).isEqualTo(Receipt.Kind.READ);
    assertThat(read.messageIds()).containsExactly(hello.id());
    assertThat(replyReceived.text()).isEqualTo("hi alice");
    assertThat(replyReceived.id()).isEqualTo(reply.id());
    assertThat(bob.events().nextReceipt().messageIds()).containsExactly(reply.id());
    // Alice's session took one one-time key of each kind from Bob; Bob's reply reused the session.
    PreKeyCount bobKeys = await(bob.client().serverKeyCount());
    PreKeyCount aliceKeys = await(alice.client().serverKeyCount());
    assertThat(bobKeys.getEcCount()).isEqualTo(99);
    assertThat(bobKeys.getKyberCount()).isEqualTo(99);
    assertThat(aliceKeys.getEcCount()).isEqualTo(100);
    assertThat(aliceKeys.getKyberCount()).isEqualTo(100);
  }

  @Test
  void aMessageSentAgainUnderItsIdIsStoredOnce() {
    Device alice = register("alice");
    Device bob = register("bob");
    Device alicesLaptop = link(alice, "alice-laptop");
    MessageId id = MessageId.random();

    // As after a broken connection: the first send was stored, the sender never learned it.
    SentMessage first = await(alice.client().send(bob.number(), "just once", id), 30);
    SentMessage again = await(alice.client().send(bob.number(), "just once", id), 30);
    await(alice.client().send(bob.number(), "next"), 30);

    assertThat(first.isDuplicate()).isFalse();
    assertThat(again.isDuplicate()).as("the server had it").isTrue();
    assertThat(again.serverTimestamp()).isEqualTo(first.serverTimestamp());
    IncomingMessage once = bob.events().nextMessage();
    assertThat(once.text()).isEqualTo("just once");
    assertThat(once.id()).isEqualTo(id);
    assertThat(bob.events().nextMessage().text()).as("the next one, not a second copy").isEqualTo("next");
    assertThat(alicesLaptop.events().nextMessage().id()).as("one transcript").isEqualTo(id);
    assertThat(alicesLaptop.events().nextMessage().text()).isEqualTo("next");
  }

  @Test
  void messagesArriveInTheOrderTheyWereSentOverEitherTransport() {
    Device alice = register("alice");
    Device bob = register("bob", TestServer.newNumber(), true);

    List<Future<SentMessage>> sends = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      sends.add(alice.client().send(bob.number(), "message " + i));
    }
    await(Future.all(sends), 30);
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      texts.add(bob.events().nextMessage().text());
    }
    await(bob.client().send(alice.number(), "all twenty, in order"));

    assertThat(texts).containsExactly(java.util.stream.IntStream.range(0, 20).mapToObj(i -> "message " + i)
        .toArray(String[]::new));
    assertThat(alice.events().nextMessage().text()).isEqualTo("all twenty, in order");
  }

  @Test
  void everyDeviceOfARecipientGetsTheMessageAndSendersOwnDevicesGetTheTranscript() {
    Device alice = register("alice");
    Device bob = register("bob");
    Device carol = register("carol");
    await(bob.client().send(alice.number(), "before the laptop"));
    assertThat(alice.events().nextMessage().text()).isEqualTo("before the laptop");

    Device laptop = link(alice, "alice-laptop");
    // Bob's session list for Alice is out of date: the server's 409 makes him fetch the laptop's keys.
    SentMessage fromBob = await(bob.client().send(alice.number(), "to both of your devices"));
    SentMessage fromCarol = await(carol.client().send(alice.number(), "from carol"));
    IncomingMessage onPhone = alice.events().nextMessage();
    IncomingMessage onLaptop = laptop.events().nextMessage();
    IncomingMessage carolOnPhone = alice.events().nextMessage();
    IncomingMessage carolOnLaptop = laptop.events().nextMessage();

    SentMessage fromLaptop = await(laptop.client().send(bob.number(), "sent from the laptop"));
    IncomingMessage atBob = bob.events().nextMessage();
    IncomingMessage transcript = alice.events().nextMessage();

    assertThat(laptop.client().deviceId()).isEqualTo(2);
    assertThat(List.of(onPhone, onLaptop)).allSatisfy(m -> {
      assertThat(m.text()).isEqualTo("to both of your devices");
      assertThat(m.id()).isEqualTo(fromBob.id());
    });
    assertThat(List.of(carolOnPhone, carolOnLaptop)).allSatisfy(m -> {
      assertThat(m.sender()).isEqualTo(carol.number());
      assertThat(m.id()).isEqualTo(fromCarol.id());
    });
    assertThat(atBob.sender()).isEqualTo(alice.number());
    assertThat(atBob.senderDevice()).isEqualTo(2);
    assertThat(atBob.text()).isEqualTo("sent from the laptop");
    assertThat(transcript.isSentTranscript()).isTrue();
    assertThat(transcript.sentTo()).contains(bob.number());
    assertThat(transcript.sender()).isEqualTo(alice.number());
    assertThat(transcript.id()).isEqualTo(fromLaptop.id());
    assertThat(transcript.text()).isEqualTo("sent from the laptop");
    // Both of Alice's devices see Bob's double tick for the laptop's message.
    assertThat(laptop.events().nextReceipt().messageIds()).containsExactly(fromLaptop.id());
    assertThat(alice.events().nextReceipt().messageIds()).containsExactly(fromLaptop.id());
    // Each device has its own identity, so Bob has one safety number per device of Alice's.
    assertThat(await(bob.client().safetyNumbers(alice.number()))).extracting(SafetyNumber::deviceId)
        .containsExactly(1, 2);
  }

  @Test
  void theServerNeverHoldsOrLogsThePlaintext() throws IOException {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Logger sealpost = (Logger) LoggerFactory.getLogger("org.sealpost");
    Level level = sealpost.getLevel();
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    sealpost.setLevel(Level.DEBUG);
    String secret = "blind-" + UUID.randomUUID();
    String answer = "reply-" + UUID.randomUUID();
    Device alice;
    try {
      alice = register("alice");
      Device bob = register("bob");
      await(alice.client().send(bob.number(), secret));
      assertThat(bob.events().nextMessage().text()).isEqualTo(secret);
      await(bob.client().send(alice.number(), answer));
      assertThat(alice.events().nextMessage().text()).isEqualTo(answer);
      alice.events().nextReceipt();
      bob.events().nextReceipt();
    } finally {
      root.detachAppender(logs);
      sealpost.setLevel(level);
    }
    server.stop();

    List<String> logText = new ArrayList<>();
    for (ILoggingEvent event : logs.list) {
      logText.add(event.getFormattedMessage());
      for (IThrowableProxy cause = event.getThrowableProxy(); cause != null; cause = cause.getCause()) {
        logText.add(cause.getMessage());
      }
    }
    assertThat(logText).isNotEmpty().noneMatch(line -> line != null && (line.contains(secret) || line.contains(answer)));
    Path data = server.storageDirectory();
    assertThat(filesContaining(data, secret)).isEmpty();
    assertThat(filesContaining(data, answer)).isEmpty();
    // The search does see what the server stores in the clear: the account's number.
    assertThat(filesContaining(data, alice.number())).isNotEmpty();
  }

  /**
   * The files under {@code root} that hold {@code text}. The store keeps working meanwhile
   * (Cassandra compacts and deletes its files at any time): a file or folder gone between listing
   * and reading holds nothing any more and is passed over.
   */
  private static List<Path> filesContaining(Path root, String text) throws IOException {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    List<Path> found = new ArrayList<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
        if (attributes.isRegularFile()) {
          try {
            if (indexOf(Files.readAllBytes(file), needle) >= 0) {
              found.add(file);
            }
          } catch (NoSuchFileException gone) {
            // deleted since it was listed
          }
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
        if (e instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE;
        }
        throw e;
      }
    });
    return found;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Test
  void aReRegisteredContactIsASafetyNumberChangeNotASilentDecrypt() {
    Device alice = register("alice");
    Device bob = register("bob");
    await(alice.client().send(bob.number(), "hello"));
    bob.events().nextMessage();
    SafetyNumber aliceSeesBob = await(alice.client().safetyNumbers(bob.number())).get(0);
    SafetyNumber bobSeesAlice = await(bob.client().safetyNumbers(alice.number())).get(0);

    await(bob.client().close());
    devices.remove(bob);
    Device newBob = register("bob-again", bob.number());
    // Alice's session points at Bob's old registration: the 410 makes her fetch new keys, which she must not trust.
    Throwable refused = failure(alice.client().send(bob.number(), "are you still you?"));
    String changed = alice.events().nextIdentityChange();
    await(newBob.client().send(alice.number(), "it is me, new phone"));
    boolean held = alice.events().receivesNoMessageFor(1000);
    SafetyNumber pending = await(alice.client().safetyNumbers(bob.number())).get(0);
    Throwable stillRefused = failure(alice.client().send(bob.number(), "still refused?"));

    int accepted = await(alice.client().trust(bob.number()));
    IncomingMessage released = alice.events().nextMessage();
    await(alice.client().send(bob.number(), "welcome back"));
    IncomingMessage atNewBob = newBob.events().nextMessage();

    assertThat(aliceSeesBob.digits()).hasSize(60).isEqualTo(bobSeesAlice.digits());
    assertThat(aliceSeesBob.isTrusted()).isTrue();
    assertThat(refused).isInstanceOf(IdentityChangedException.class);
    assertThat(((IdentityChangedException) refused).number()).isEqualTo(bob.number());
    assertThat(changed).isEqualTo(bob.number());
    assertThat(held).as("message from the new identity held until trusted").isTrue();
    assertThat(pending.isTrusted()).isFalse();
    assertThat(pending.digits()).isNotEqualTo(aliceSeesBob.digits());
    assertThat(stillRefused).isInstanceOf(IdentityChangedException.class);
    assertThat(accepted).isEqualTo(1);
    assertThat(released.text()).isEqualTo("it is me, new phone");
    assertThat(atNewBob.text()).isEqualTo("welcome back");
    assertThat(await(alice.client().safetyNumbers(bob.number())).get(0).digits()).isEqualTo(pending.digits());
    assertThat(await(newBob.client().safetyNumbers(alice.number())).get(0).digits()).isEqualTo(pending.digits());
  }

  @Test
  void stateSurvivesRestartAndTheSessionContinues() {
    Device alice = register("alice");
    Device bob = register("bob");
    await(alice.client().send(bob.number(), "before the restart"));
    bob.events().nextMessage();
    await(bob.client().send(alice.number(), "ack"));
    alice.events().nextMessage();

    Device aliceAgain = reopen(alice);
    await(bob.client().close());
    devices.remove(bob);
    await(aliceAgain.client().send(bob.number(), "while you were away 1"));
    await(aliceAgain.client().send(bob.number(), "while you were away 2"));
    Device bobAgain = reopen(bob);
    IncomingMessage first = bobAgain.events().nextMessage();
    IncomingMessage second = bobAgain.events().nextMessage();
    bobAgain.events().awaitQueueEmpty();
    await(bobAgain.client().send(alice.number(), "back"));

    assertThat(first.text()).isEqualTo("while you were away 1");
    assertThat(second.text()).isEqualTo("while you were away 2");
    assertThat(aliceAgain.events().nextMessage().text()).isEqualTo("back");
    // Both restarts continued the one session: no further one-time keys were taken.
    assertThat(await(bobAgain.client().serverKeyCount()).getEcCount()).isEqualTo(99);
    assertThat(await(aliceAgain.client().serverKeyCount()).getEcCount()).isEqualTo(100);
  }

  @Test
  void aMessageTheApplicationDidNotTakeComesBackOnceAndOnlyOnce() throws InterruptedException {
    Device alice = register("alice");
    Device bob = register("bob");
    BlockingQueue<IncomingMessage> refused = new LinkedBlockingQueue<>();
    bob.events().acceptWith(message -> {
      refused.add(message);
      return Future.failedFuture(new IllegalStateException("disk full"));
    });

    SentMessage sent = await(alice.client().send(bob.number(), "at least once, shown once"));
    SentMessage sentSecond = await(alice.client().send(bob.number(), "second"));
    IncomingMessage firstRefused = refused.poll(15, TimeUnit.SECONDS);
    IncomingMessage secondRefused = refused.poll(15, TimeUnit.SECONDS);
    Device bobAgain = reopen(bob);
    IncomingMessage first = bobAgain.events().nextMessage();
    IncomingMessage second = bobAgain.events().nextMessage();
    bobAgain.events().awaitQueueEmpty();
    Device bobOnceMore = reopen(bobAgain);
    bobOnceMore.events().awaitQueueEmpty();

    assertThat(firstRefused).isNotNull();
    assertThat(secondRefused).isNotNull();
    // The ratchet cannot decrypt a message twice: the redelivery is served from what was kept.
    assertThat(first.id()).isEqualTo(sent.id()).isEqualTo(firstRefused.id());
    assertThat(first.text()).isEqualTo("at least once, shown once");
    assertThat(second.text()).isEqualTo("second");
    assertThat(bobOnceMore.events().receivesNoMessageFor(300)).isTrue();
    // One delivery receipt per message, once each, in order: acks that arrive together share one
    // receipt, so the two ids may come in one receipt or in two.
    List<MessageId> receipted = new ArrayList<>();
    while (receipted.size() < 2) {
      receipted.addAll(alice.events().nextReceipt().messageIds());
    }
    assertThat(receipted).containsExactly(sent.id(), sentSecond.id());
  }

  @Test
  void oneTimeKeysAreRefilledWhenTheServerSaysTheyRunLow() {
    Device alice = register("alice");
    Device bob = register("bob");
    try (TestDevice fetcher = server.device(server.register())) {
      // 91 takes leave 9 of each kind, below the server's threshold of 10: it signals once.
      for (int i = 0; i < 91; i++) {
        await(fetcher.connection().call("GET", "/v1/keys/" + alice.number() + "/1", Empty.getDefaultInstance(),
            PreKeyBundles.parser()));
      }
    }
    PreKeyCount count = awaitKeyCount(alice.client(), 100);
    await(bob.client().send(alice.number(), "after the refill"));

    assertThat(count.getEcCount()).isEqualTo(100);
    assertThat(count.getKyberCount()).isEqualTo(100);
    assertThat(alice.events().nextMessage().text()).isEqualTo("after the refill");
  }

  @Test
  void keepalivesHoldIdleConnectionsOpen() {
    // A server with a 1 s idle timeout also drops an HTTP request a cold JVM takes longer to serve: warm up first.
    Device warmUp = register("warm-up");
    await(warmUp.client().close());
    devices.remove(warmUp);
    server.close();
    server = new TestServer(dir.resolve("server-short-idle"), config -> config.withGateway(
        config.gateway().withTimeouts(config.gateway().authTimeout(), Duration.ofSeconds(1))));
    Device alice = reopen(register("alice"), Duration.ofMillis(300));
    Device bob = reopen(register("bob"), Duration.ofMillis(300));

    boolean quiet = alice.events().receivesNoMessageFor(2500);
    await(bob.client().send(alice.number(), "still there?"));

    assertThat(quiet).isTrue();
    assertThat(alice.client().isConnected()).isTrue();
    assertThat(bob.client().isConnected()).isTrue();
    assertThat(alice.events().nextMessage().text()).isEqualTo("still there?");
  }

  @Test
  void aClusterClientConnectsToTheFirstNodeThatAnswers() throws IOException {
    try (java.net.Socket down = org.sealpost.testing.Sockets.refusingPort()) {
      URI unreachable = URI.create("http://127.0.0.1:" + down.getLocalPort());
      Device bob = register("bob");
      Device alice = registerConnectingWith("alice",
          client -> client.connect(List.of(unreachable, server.httpUri())));

      await(bob.client().send(alice.number(), "found you"), 30);

      assertThat(alice.client().connectedServer()).isEqualTo(server.httpUri());
      assertThat(alice.events().nextMessage().text()).isEqualTo("found you");
    }
  }

  @Test
  void aClusterClientReconnectsWhenItsNodeRestarts() throws IOException {
    int port = freePort();
    server.close();
    server = new TestServer(dir.resolve("server-fixed-port"),
        config -> config.withGateway(config.gateway().withPorts(0, port)));
    Device bob = register("bob");
    Device alice = registerConnectingWith("alice", client -> client.connect(List.of(server.httpUri())));
    await(bob.client().close());
    devices.remove(bob);

    server.restart();
    // Bob only sends, over HTTP; alice gets it once her client is back on the restarted node.
    SealpostClient bobAgain = await(SealpostClient.open(server.clients(), bob.state()));
    devices.add(new Device(bobAgain, new RecordingListener(), bob.state()));
    await(bobAgain.send(alice.number(), "after the restart"), 30);

    assertThat(alice.events().nextMessage().text()).isEqualTo("after the restart");
    assertThat(alice.client().isConnected()).isTrue();
  }

  /** A newly registered device, connected by {@code connect} instead of {@link SealpostClient#connect()}. */
  private Device registerConnectingWith(String name, java.util.function.Function<SealpostClient, Future<Void>> connect) {
    String number = TestServer.newNumber();
    String session = await(SealpostClient.requestCode(server.clients(), server.httpUri(), number)).getSessionId();
    Path state = dir.resolve(name);
    SealpostClient client = await(SealpostClient.register(server.clients(), state, server.httpUri(), number,
        session, TestServer.TEST_CODE, name), 30);
    return connect(client, state, () -> connect.apply(client));
  }

  /** A port free now, for a server to bind (a test that only needs nothing there uses Sockets.refusingPort). */
  private static int freePort() throws IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Asks the server until the count reaches {@code target}: each round trip is the wait. */
  private static PreKeyCount awaitKeyCount(SealpostClient client, int target) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    PreKeyCount count = await(client.serverKeyCount());
    while ((count.getEcCount() < target || count.getKyberCount() < target) && System.nanoTime() < deadline) {
      count = await(client.serverKeyCount());
    }
    return count;
  }

}
