package org.sealpost.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.client.ClientListener;
import org.sealpost.client.IncomingMessage;
import org.sealpost.client.MessageId;
import org.sealpost.client.Receipt;
import org.sealpost.client.SealpostClient;
import org.sealpost.testing.Await;
import org.sealpost.testing.CuttingProxy;
import org.sealpost.testing.TestServer;

/**
 * The web client's API against a real server and a second account on the SDK: ticks follow the
 * receipts, unread counts follow what the page read, and the history (with what arrived while
 * the web client was stopped) is all there after a restart, even one that tore the last record;
 * texts typed while the server is out of reach wait, survive a restart, and go out in order.
 */
class WebHistoryTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void ticksUnreadAndHistorySurviveARestart(@TempDir Path dir) throws Exception {
    try (TestServer server = new TestServer(dir.resolve("server"));
        WebFixture fixture = new WebFixture(server, dir)) {
      WebFixture.Account aliceAccount = fixture.register("alice");
      WebFixture.Account bobAccount = fixture.register("bob");
      Inbox bobInbox = new Inbox();
      SealpostClient bob = fixture.connect(bobAccount, bobInbox);
      String bobNumber = bobAccount.number();
      String aliceNumber = aliceAccount.number();
      try {
        WebFixture.Web alice = fixture.start(aliceAccount);
        JsonObject chat = (JsonObject) alice.ok("POST", "/api/conversations", new JsonObject().put("number", bobNumber));
        assertThat(chat.getString("kind")).isEqualTo("direct");
        assertThat(alice.call("POST", "/api/conversations", "{\"number\":\"12345\"}").statusCode()).isEqualTo(400);

        JsonObject sent = (JsonObject) alice.ok("POST", "/api/conversations/" + WebFixture.encode(bobNumber) + "/messages",
            new JsonObject().put("text", "hi bob").put("localId", "local-1"));
        assertThat(sent.getString("localId")).isEqualTo("local-1");
        assertThat(sent.getString("tick")).isIn("sent", "delivered");
        IncomingMessage got = bobInbox.next();
        assertThat(got.text()).isEqualTo("hi bob");
        assertThat(got.id().hex()).isEqualTo(sent.getString("id"));
        Await.until("alice's message to show delivered", WAIT, () -> tick(alice, bobNumber, 0).equals("delivered"));
        await(bob.markRead(aliceNumber, List.of(got.id())));
        Await.until("alice's message to show read", WAIT, () -> tick(alice, bobNumber, 0).equals("read"));

        MessageId reply = await(bob.send(aliceNumber, "hi alice")).id();
        Await.until("bob's reply to count as unread", WAIT, () -> alice.conversation(bobNumber).getInteger("unread") == 1);
        JsonObject read = (JsonObject) alice.ok("POST", "/api/conversations/" + WebFixture.encode(bobNumber) + "/read", null);
        assertThat(read.getInteger("unread")).isZero();
        Receipt receipt = bobInbox.nextReceipt(Receipt.Kind.READ);
        assertThat(receipt.messageIds()).containsExactly(reply);

        fixture.stop(alice);
        await(bob.send(aliceNumber, "while you were away"));
        // A stop in the middle of a write leaves a torn last line; it must not cost what came before.
        Files.writeString(aliceAccount.state().resolve(ChatHistory.FILE), "{\"type\":\"mess",
            StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        WebFixture.Web again = fixture.start(aliceAccount);
        Await.until("the message sent while away", WAIT, () -> again.messages(bobNumber).size() == 3);
        JsonArray history = again.messages(bobNumber);
        assertThat(history.stream().map(m -> ((JsonObject) m).getString("text")))
            .containsExactly("hi bob", "hi alice", "while you were away");
        assertThat(history.getJsonObject(0).getString("tick")).isEqualTo("read");
        assertThat(history.getJsonObject(0).getBoolean("outgoing")).isTrue();
        assertThat(history.getJsonObject(1).getBoolean("outgoing")).isFalse();
        assertThat(again.conversation(bobNumber).getInteger("unread")).isEqualTo(1);
        assertThat(again.conversation(bobNumber).getJsonObject("last").getString("text")).isEqualTo("while you were away");
      } finally {
        await(bob.close());
      }
    }
  }

  @Test
  void textsTypedWhileTheServerIsOutOfReachWaitAcrossARestartAndGoOutInOrder(@TempDir Path dir) throws Exception {
    try (TestServer server = new TestServer(dir.resolve("server"));
        WebFixture fixture = new WebFixture(server, dir);
        CuttingProxy link = new CuttingProxy(server.clients()).forwardTo(server.server().httpPort())) {
      WebFixture.Account aliceAccount = fixture.register("alice");
      WebFixture.Account bobAccount = fixture.register("bob");
      Inbox bobInbox = new Inbox();
      SealpostClient bob = fixture.connect(bobAccount, bobInbox);
      String bobNumber = bobAccount.number();
      List<URI> viaLink = List.of(URI.create("http://127.0.0.1:" + link.port()));
      try {
        WebFixture.Web alice = fixture.start(aliceAccount, viaLink);
        alice.ok("POST", "/api/conversations", new JsonObject().put("number", bobNumber));
        String messages = "/api/conversations/" + WebFixture.encode(bobNumber) + "/messages";

        link.down();
        JsonObject first = (JsonObject) alice.ok("POST", messages, new JsonObject().put("text", "one").put("localId", "l1"));
        JsonObject second = (JsonObject) alice.ok("POST", messages, new JsonObject().put("text", "two").put("localId", "l2"));
        assertThat(first.getBoolean("queued")).isTrue();
        assertThat(first.getString("tick")).isEqualTo("pending");
        assertThat(second.getBoolean("queued")).isTrue();

        // Stopped and started again while the server is still out of reach: the texts still wait.
        fixture.stop(alice);
        List<String> queuedIds = Files.readAllLines(aliceAccount.state().resolve("web/history.jsonl")).stream()
            .map(JsonObject::new).filter(record -> "queued".equals(record.getString("type")))
            .map(record -> record.getString("id")).toList();
        WebFixture.Web again = fixture.start(aliceAccount, viaLink);
        assertThat(again.messages(bobNumber).stream().map(m -> ((JsonObject) m).getString("localId")))
            .containsExactly("l1", "l2");

        link.up();
        // Under the ids their first sends had: had one of those reached the server, it would be stored once.
        IncomingMessage one = bobInbox.next();
        IncomingMessage two = bobInbox.next();
        assertThat(List.of(one.text(), two.text())).containsExactly("one", "two");
        assertThat(List.of(one.id().hex(), two.id().hex())).isEqualTo(queuedIds);
        Await.until("both sent and none waiting", WAIT, () -> again.messages(bobNumber).stream()
            .noneMatch(m -> ((JsonObject) m).getBoolean("queued", false)) && again.messages(bobNumber).size() == 2);
        assertThat(again.messages(bobNumber).stream().map(m -> ((JsonObject) m).getString("text")))
            .containsExactly("one", "two");

        // One the server refuses for good (Bob blocked Alice meanwhile) stays, failed, with why.
        await(bob.block(aliceAccount.number()));
        link.down();
        assertThat(((JsonObject) again.ok("POST", messages, new JsonObject().put("text", "three").put("localId", "l3")))
            .getBoolean("queued")).isTrue();
        link.up();
        Await.until("the refusal recorded", WAIT, () -> again.messages(bobNumber).stream()
            .anyMatch(m -> "failed".equals(((JsonObject) m).getString("tick"))));
        JsonObject refused = again.messages(bobNumber).stream().map(m -> (JsonObject) m)
            .filter(m -> "l3".equals(m.getString("localId"))).findFirst().orElseThrow();
        assertThat(refused.getString("error")).contains("The server refused");
        assertThat(bobInbox.receivesNothingFor(Duration.ofMillis(500))).isTrue();

        // Deleted, it is gone for good; one still waiting to go out cannot be deleted, nor one already sent.
        String unsent = "/api/conversations/" + WebFixture.encode(bobNumber) + "/unsent/";
        link.down();
        again.ok("POST", messages, new JsonObject().put("text", "four").put("localId", "l4"));
        assertThat(again.call("DELETE", unsent + "l4", null).statusCode()).as("still waiting").isEqualTo(409);
        assertThat(again.call("DELETE", unsent + "l1", null).statusCode()).as("sent long ago").isEqualTo(404);
        again.ok("DELETE", unsent + "l3", null);
        assertThat(again.messages(bobNumber).stream().map(m -> ((JsonObject) m).getString("localId")))
            .as("after the delete").doesNotContain("l3").contains("l4");
        fixture.stop(again);
        WebFixture.Web restarted = fixture.start(aliceAccount, viaLink);
        assertThat(restarted.messages(bobNumber).stream().map(m -> ((JsonObject) m).getString("localId")))
            .as("after a restart").doesNotContain("l3").contains("l4");
      } finally {
        await(bob.close());
      }
    }
  }

  private static String tick(WebFixture.Web web, String conversation, int index) throws Exception {
    return web.messages(conversation).getJsonObject(index).getString("tick");
  }

  /** What the SDK account got. */
  static final class Inbox implements ClientListener {
    private final BlockingQueue<IncomingMessage> messages = new LinkedBlockingQueue<>();
    private final BlockingQueue<Receipt> receipts = new LinkedBlockingQueue<>();

    @Override
    public Future<Void> onMessage(IncomingMessage message) {
      messages.add(message);
      return Future.succeededFuture();
    }

    @Override
    public void onReceipt(Receipt receipt) {
      receipts.add(receipt);
    }

    IncomingMessage next() throws InterruptedException {
      IncomingMessage message = messages.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(message).as("a message within %s", WAIT).isNotNull();
      return message;
    }

    /** True when no message comes for {@code quiet}: only for asserting an absence. */
    boolean receivesNothingFor(Duration quiet) throws InterruptedException {
      return messages.poll(quiet.toMillis(), TimeUnit.MILLISECONDS) == null;
    }

    Receipt nextReceipt(Receipt.Kind kind) throws InterruptedException {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (System.nanoTime() < deadline) {
        Receipt receipt = receipts.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (receipt != null && receipt.kind() == kind) {
          return receipt;
        }
      }
      throw new AssertionError("no " + kind + " receipt within " + WAIT);
    }
  }
}
