package org.sealpost.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;

import com.google.protobuf.Empty;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.client.ClientListener;
import org.sealpost.client.GroupInfo;
import org.sealpost.client.IncomingMessage;
import org.sealpost.client.MessageId;
import org.sealpost.client.Receipt;
import org.sealpost.client.RequestFailedException;
import org.sealpost.client.RestClient;
import org.sealpost.client.SealpostClient;
import org.sealpost.client.SentMessage;
import org.sealpost.client.WireConnection;
import org.sealpost.protocol.DeleteAccountRequest;
import org.sealpost.protocol.DeletionCodeResponse;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.LinkCode;
import org.sealpost.protocol.Response;
import org.sealpost.testing.ServerProcess;
import org.sealpost.testing.TestCluster;
import org.sealpost.testing.TestServer;

/**
 * Three nodes in three JVMs on one Hazelcast-clustered event bus, over Cassandra + Redis, with
 * SDK clients (real libsignal sessions) that know every node. One cluster serves the whole
 * class; the tests run in order because the last one kills a node for good.
 */
@Tag("external")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
  private static final int STREAM_WAIT_SECONDS = 120;

  private Path dir;
  private TestCluster cluster;
  private final Vertx vertx = Vertx.vertx();
  private final List<SealpostClient> clients = new ArrayList<>();
  private int nextNumber;

  /** The nodes' directories and logs are kept when a test fails. */
  @BeforeAll
  void startCluster(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir) throws Exception {
    this.dir = dir;
    cluster = new TestCluster(dir, 3);
    cluster.start();
  }

  @AfterEach
  void closeClients() {
    for (SealpostClient client : clients) {
      await(client.close(), 30);
    }
    clients.clear();
  }

  @AfterAll
  void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    await(vertx.close(), 30);
  }

  @Test
  @Order(1)
  void clientsOnDifferentNodesMessageOneToOneAndInAGroup() {
    Inbox aliceEvents = new Inbox();
    Inbox bobEvents = new Inbox();
    SealpostClient alice = connected("alice", 1, aliceEvents);
    SealpostClient bob = connected("bob", 3, bobEvents);
    assertThat(alice.connectedServer()).isEqualTo(cluster.httpUri(1));
    assertThat(bob.connectedServer()).isEqualTo(cluster.httpUri(3));

    SentMessage sent = await(alice.send(bob.number(), "hello from node 1"), 30);

    IncomingMessage received = bobEvents.nextMessage();
    assertThat(received.text()).isEqualTo("hello from node 1");
    assertThat(received.sender()).isEqualTo(alice.number());
    // The double tick crosses back from node 3 to node 1.
    Receipt delivered = aliceEvents.nextReceipt();
    assertThat(delivered.kind()).isEqualTo(Receipt.Kind.DELIVERED);
    assertThat(delivered.messageIds()).containsExactly(sent.id());

    await(bob.send(alice.number(), "and back from node 3"), 30);
    assertThat(aliceEvents.nextMessage().text()).isEqualTo("and back from node 3");

    // A group spanning the three nodes: one Sender-Key message fans out to members elsewhere.
    Inbox carolEvents = new Inbox();
    SealpostClient carol = connected("carol", 2, carolEvents);
    GroupInfo group = await(alice.createGroup("Across nodes", List.of(bob.number(), carol.number())), 30);
    await(alice.sendGroup(group.id(), "group hello from node 1"), 30);
    for (Inbox member : List.of(bobEvents, carolEvents)) {
      IncomingMessage fromAlice = member.nextMessage();
      assertThat(fromAlice.text()).isEqualTo("group hello from node 1");
      assertThat(fromAlice.group()).contains(group.id());
    }
    await(carol.sendGroup(group.id(), "group reply from node 2"), 30);
    for (Inbox member : List.of(aliceEvents, bobEvents)) {
      IncomingMessage fromCarol = member.nextMessage();
      assertThat(fromCarol.text()).isEqualTo("group reply from node 2");
      assertThat(fromCarol.sender()).isEqualTo(carol.number());
    }
  }

  @Test
  @Order(2)
  void rollingRestartOfEveryNodeUnderTrafficLosesNothing() throws Exception {
    Inbox received = new Inbox();
    SealpostClient erin = connected("erin", 1, new Inbox());
    SealpostClient frank = connected("frank", 3, received);
    Stream stream = new Stream(erin, frank.number(), 600, Duration.ofMillis(150));
    stream.start();
    stream.awaitTicks(20);

    for (int n = 1; n <= cluster.size(); n++) {
      cluster.node(n).terminate();
      cluster.node(n).start();
      stream.awaitTicks(stream.ticked.size() + 10);
    }
    stream.stop();

    received.awaitAll(stream.ticked, STREAM_WAIT_SECONDS);
    assertThat(received.timesSeen(stream.ticked)).as("each single-ticked message shown once").containsOnly(1);
    assertThat(stream.ticked).hasSizeGreaterThan(40);
  }

  @Test
  @Order(3)
  void sigkillOfANodeCarryingClientsLosesNoSingleTickedMessage() throws Exception {
    Inbox bobEvents = new Inbox();
    Inbox daveEvents = new Inbox();
    SealpostClient alice = connected("alice-k", 1, new Inbox());
    SealpostClient bob = connected("bob-k", 2, bobEvents);
    SealpostClient carol = connected("carol-k", 2, new Inbox(), cluster.httpUri(3));
    SealpostClient dave = connected("dave-k", 3, daveEvents);
    Stream toBob = new Stream(alice, bob.number(), 150, Duration.ZERO);
    Stream toDave = new Stream(carol, dave.number(), 150, Duration.ZERO);
    toBob.start();
    toDave.start();
    toBob.awaitTicks(40);
    toDave.awaitTicks(40);

    cluster.node(2).kill();

    toBob.awaitDone(STREAM_WAIT_SECONDS);
    toDave.awaitDone(STREAM_WAIT_SECONDS);
    bobEvents.awaitAll(toBob.ticked, STREAM_WAIT_SECONDS);
    daveEvents.awaitAll(toDave.ticked, STREAM_WAIT_SECONDS);
    assertThat(bobEvents.timesSeen(toBob.ticked)).containsOnly(1);
    assertThat(daveEvents.timesSeen(toDave.ticked)).containsOnly(1);
    assertThat(bob.connectedServer()).isNotEqualTo(cluster.httpUri(2));
    assertThat(carol.connectedServer()).isNotEqualTo(cluster.httpUri(2));
  }

  /**
   * An account deleted through one node: its device connected to another node is disconnected,
   * and no node accepts its credentials after (nodes 1 and 3: node 2 was killed above).
   */
  @Test
  @Order(4)
  void deletingAnAccountClosesItsConnectionsOnEveryNode() {
    String number = ServerProcess.number(nextNumber++);
    RestClient rest = new RestClient(vertx, cluster.httpUri(1));
    String session = await(rest.requestCode(number), 30).getSessionId();
    DeviceCredentials phone = await(rest.verify(number, session, TestServer.TEST_CODE, 11, "phone"), 30);
    WireConnection onNode1 = connection(1, phone);
    LinkCode code = await(onNode1.call("POST", "/v1/devices/link-code", Empty.getDefaultInstance(), LinkCode.parser()), 30);
    DeviceCredentials laptop = await(rest.link(number, code.getCode(), 12, "laptop"), 30);
    WireConnection onNode3 = connection(3, laptop);
    CountDownLatch laptopClosed = new CountDownLatch(1);
    onNode3.onClose(laptopClosed::countDown);

    await(onNode1.call("POST", "/v1/accounts/me/deletion-code", Empty.getDefaultInstance(),
        DeletionCodeResponse.parser()), 30);
    Response deleted = await(onNode1.request("DELETE", "/v1/accounts/me",
        DeleteAccountRequest.newBuilder().setPassword(phone.getPassword()).setCode(TestServer.TEST_CODE).build()), 30);

    assertThat(deleted.getStatus()).isEqualTo(200);
    assertThat(awaitLatch(laptopClosed, 15)).as("the laptop's connection on node 3 closed").isTrue();
    Throwable refused = org.sealpost.testing.Await.failure(
        await(WireConnection.tcp(vertx, "127.0.0.1", cluster.node(3).tcpPort()), 30)
            .authenticate(number, laptop.getDeviceId(), laptop.getPassword()));
    assertThat(((RequestFailedException) refused).status()).isEqualTo(401);
  }

  private WireConnection connection(int node, DeviceCredentials device) {
    WireConnection connection = await(WireConnection.tcp(vertx, "127.0.0.1", cluster.node(node).tcpPort()), 30);
    await(connection.authenticate(device.getNumber(), device.getDeviceId(), device.getPassword()), 30);
    return connection;
  }

  private static boolean awaitLatch(CountDownLatch latch, int seconds) {
    try {
      return latch.await(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Registers a device through {@code registerAt} and connects it with every node known, node {@code first} first. */
  private SealpostClient connected(String name, int first, Inbox listener, URI registerAt) {
    String number = ServerProcess.number(nextNumber++);
    String session = await(SealpostClient.requestCode(vertx, registerAt, number), 30).getSessionId();
    SealpostClient client = await(SealpostClient.register(vertx, dir.resolve("state-" + name), registerAt, number,
        session, TestServer.TEST_CODE, name), 60);
    clients.add(client);
    client.listener(listener);
    await(client.connect(cluster.uris(first)), 30);
    listener.awaitQueueEmpty();
    return client;
  }

  private SealpostClient connected(String name, int first, Inbox listener) {
    return connected(name, first, listener, cluster.httpUri(first));
  }

  /**
   * One sender's steady stream: messages one after another (at most one every {@code pace}),
   * each recorded once it got its single tick. A send that fails (its node died or left) is
   * not retried as such: the stream goes on with the next message once the client is back.
   */
  private static final class Stream {
    final Set<MessageId> ticked = ConcurrentHashMap.newKeySet();
    private final SealpostClient from;
    private final String to;
    private final int max;
    private final Duration pace;
    /** Counted down by {@link #stop()}; the stream's pacing waits on it, so a stop ends the wait. */
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread thread;

    Stream(SealpostClient from, String to, int max, Duration pace) {
      this.from = from;
      this.to = to;
      this.max = max;
      this.pace = pace;
      this.thread = new Thread(this::run, "stream-" + to);
    }

    void start() {
      thread.start();
    }

    private void run() {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
      int i = 0;
      while (stopped.getCount() > 0 && ticked.size() < max && System.nanoTime() < deadline) {
        try {
          SentMessage sent = from.send(to, "stream " + i++).toCompletionStage().toCompletableFuture()
              .get(20, TimeUnit.SECONDS);
          ticked.add(sent.id());
          pause(pace.toMillis());
        } catch (Exception failed) {
          pause(200);
        }
      }
      done.countDown();
    }

    /** Paces the stream: waits for a stop for at most {@code millis}. */
    private void pause(long millis) {
      try {
        stopped.await(millis, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    void awaitTicks(int count) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STREAM_WAIT_SECONDS);
      while (ticked.size() < count && done.getCount() > 0) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("only " + ticked.size() + " of " + count + " messages ticked");
        }
        done.await(50, TimeUnit.MILLISECONDS);
      }
    }

    void awaitDone(int seconds) throws InterruptedException {
      assertThat(done.await(seconds, TimeUnit.SECONDS)).as("stream finished").isTrue();
    }

    void stop() throws InterruptedException {
      stopped.countDown();
      awaitDone(60);
    }
  }

  /** What a client was handed: messages counted by id, receipts, queue-empty markers. */
  private static final class Inbox implements ClientListener {
    private final Map<MessageId, AtomicInteger> seen = new ConcurrentHashMap<>();
    private final BlockingQueue<IncomingMessage> messages = new LinkedBlockingQueue<>();
    private final BlockingQueue<Receipt> receipts = new LinkedBlockingQueue<>();
    private final CountDownLatch queueEmpty = new CountDownLatch(1);

    @Override
    public Future<Void> onMessage(IncomingMessage message) {
      seen.computeIfAbsent(message.id(), id -> new AtomicInteger()).incrementAndGet();
      messages.add(message);
      return Future.succeededFuture();
    }

    @Override
    public void onReceipt(Receipt receipt) {
      receipts.add(receipt);
    }

    @Override
    public void onQueueEmpty() {
      queueEmpty.countDown();
    }

    void awaitQueueEmpty() {
      try {
        assertThat(queueEmpty.await(30, TimeUnit.SECONDS)).as("queue-empty marker").isTrue();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }

    IncomingMessage nextMessage() {
      return poll(messages, "message");
    }

    Receipt nextReceipt() {
      return poll(receipts, "receipt");
    }

    void awaitAll(Set<MessageId> ids, int seconds) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (!seen.keySet().containsAll(ids)) {
        if (System.nanoTime() > deadline) {
          long missing = ids.stream().filter(id -> !seen.containsKey(id)).count();
          throw new AssertionError(missing + " of " + ids.size() + " single-ticked messages never arrived");
        }
        messages.poll(100, TimeUnit.MILLISECONDS);
      }
    }

    List<Integer> timesSeen(Set<MessageId> ids) {
      return ids.stream().map(id -> seen.get(id).get()).toList();
    }

    private static <T> T poll(BlockingQueue<T> queue, String what) {
      try {
        T next = queue.poll(30, TimeUnit.SECONDS);
        if (next == null) {
          throw new AssertionError("no " + what + " within 30 s");
        }
        return next;
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
