package org.sealpost.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.client.IncomingMessage;
import org.sealpost.client.SealpostClient;
import org.sealpost.testing.Await;
import org.sealpost.testing.Browser;
import org.sealpost.testing.CuttingProxy;
import org.sealpost.testing.TestServer;

/**
 * Two people chat through `sealpost web` in two real browsers (headless Chromium), against one
 * server, with a third on the SDK for the group: send and receive, ticks to blue, typing and
 * online, files that arrive byte-identical (1:1 and in a group), a group of three, safety
 * numbers that match, blocking, and, when the server cannot be reached, a banner and a text that
 * waits and goes out once it is back. Any JavaScript error fails the test.
 */
class WebChatBrowserTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  /** The SDK reconnects with a backoff of up to 10 s. */
  private static final Duration RECONNECT = Duration.ofSeconds(40);

  @Test
  void twoPeopleChatInTwoBrowsers(@TempDir Path dir) throws Exception {
    Browser.assumeChromium();
    TestServer server = new TestServer(dir.resolve("server"));
    try (WebFixture fixture = new WebFixture(server, dir)) {
      WebFixture.Account aliceAccount = fixture.register("alice");
      WebFixture.Account bobAccount = fixture.register("bob");
      WebFixture.Account carolAccount = fixture.register("carol");
      String bobNumber = bobAccount.number();
      String aliceNumber = aliceAccount.number();
      WebHistoryTest.Inbox carolInbox = new WebHistoryTest.Inbox();
      SealpostClient carol = fixture.connect(carolAccount, carolInbox);
      // Alice reaches the server through a proxy the test can take down.
      CuttingProxy link = new CuttingProxy(server.clients()).forwardTo(server.server().httpPort());
      WebFixture.Web aliceWeb = fixture.start(aliceAccount, List.of(URI.create("http://127.0.0.1:" + link.port())));
      WebFixture.Web bobWeb = fixture.start(bobAccount);
      try (link;
          Browser alice = Browser.launch(dir.resolve("browser-alice"));
          Browser bob = Browser.launch(dir.resolve("browser-bob"))) {
        try {
          open(alice, aliceWeb);
          open(bob, bobWeb);

          // Alice starts a chat with Bob and sees him online.
          alice.click("#new-chat");
          alice.type("#new-chat-number", bobNumber);
          alice.click("#new-chat-start");
          alice.waitFor("Bob's chat to open", WAIT, "document.querySelector('#chat').dataset.conversation === "
              + js(bobNumber) + " && !document.querySelector('#chat').hidden");
          alice.waitFor("Bob shown online", WAIT, "document.querySelector('#chat-status').textContent.trim() === 'online'");

          // One tick, then two (Bob's device stored it), then blue once Bob opened the chat.
          alice.type("#message-input", "Hello Bob");
          alice.press("#message-input", "Enter");
          alice.waitFor("the message to be sent", WAIT, bubble("Hello Bob", true) + "?.dataset.tick === 'delivered'");
          bob.waitFor("one unread message from Alice", WAIT, "document.querySelector("
              + js("#conversations li[data-conversation=\"" + aliceNumber + "\"] .unread") + ")?.textContent.trim() === '1'");
          assertThat(alice.evaluate(bubble("Hello Bob", true) + ".dataset.tick"))
              .as("not read while Bob has not opened the chat").isEqualTo("delivered");
          openChat(bob, aliceNumber);
          bob.waitFor("Alice's message shown", WAIT, shown("Hello Bob", false));
          alice.waitFor("blue ticks", WAIT, bubble("Hello Bob", true) + ".dataset.tick === 'read'");

          // Bob types: Alice sees it; then his reply arrives.
          bob.type("#message-input", "Hi Alice");
          alice.waitFor("Bob typing", WAIT, "document.querySelector('#chat-status').textContent.includes('typing')");
          bob.press("#message-input", "Enter");
          alice.waitFor("Bob's reply", WAIT, shown("Hi Alice", false));

          // A file, downloaded on Bob's side byte for byte.
          byte[] bytes = new byte[150_000];
          new Random(7).nextBytes(bytes);
          Path file = Files.write(dir.resolve("holiday notes.bin"), bytes);
          alice.setFiles("#attach", file);
          alice.waitFor("the file sent", WAIT, "[...document.querySelectorAll('#messages [data-outgoing=\"true\"]')]"
              + ".some(b => b.querySelector('a.attachment') && ['sent','delivered','read'].includes(b.dataset.tick))");
          bob.waitFor("the file received", WAIT, "document.querySelector('#messages [data-outgoing=\"false\"] a.attachment') !== null");
          Path downloads = dir.resolve("downloads");
          bob.allowDownloads(downloads);
          bob.click("#messages [data-outgoing=\"false\"] a.attachment");
          assertThat(Files.readAllBytes(bob.awaitDownload("holiday notes.bin", WAIT))).isEqualTo(bytes);

          // Safety numbers: both sides show the same digits.
          alice.click("#safety-open");
          bob.click("#safety-open");
          String digits = "document.querySelector('#safety-digits').textContent.replace(/[^0-9]/g, '').slice(-60)";
          alice.waitFor("Alice's safety number", WAIT, digits + ".length === 60");
          bob.waitFor("Bob's safety number", WAIT, digits + ".length === 60");
          assertThat(alice.evaluate(digits)).isEqualTo(bob.evaluate(digits));
          alice.press("#safety-dialog", "Escape");
          bob.press("#safety-dialog", "Escape");

          // Bob blocks Alice: her message is refused and shown as not sent, until she deletes it.
          bob.click("#block-toggle");
          bob.waitFor("the Unblock button", WAIT, "document.querySelector('#block-toggle').textContent.trim() === 'Unblock'");
          alice.type("#message-input", "Are you there?");
          alice.press("#message-input", "Enter");
          alice.waitFor("the refusal shown", WAIT, "document.querySelector('#messages [data-tick=\"failed\"]') !== null");
          alice.click("#messages [data-tick=\"failed\"] .dismiss");
          alice.waitFor("the unsent text deleted", WAIT, "document.querySelector('#messages [data-tick=\"failed\"]') === null");
          bob.click("#block-toggle");
          bob.waitFor("the Block button", WAIT, "document.querySelector('#block-toggle').textContent.trim() === 'Block'");

          // A group of three: Alice makes it, Bob in his browser and Carol on the SDK get its messages.
          alice.click("#new-group");
          alice.type("#group-name", "Book club");
          alice.type("#group-members", bobNumber + ", " + carolAccount.number());
          alice.click("#new-group-create");
          alice.waitFor("the group's chat", WAIT, "document.querySelector('#chat-title').textContent.trim() === 'Book club'");
          alice.type("#message-input", "First chapter tonight");
          alice.press("#message-input", "Enter");
          IncomingMessage atCarol = carolInbox.next();
          assertThat(atCarol.text()).isEqualTo("First chapter tonight");
          String groupId = atCarol.group().orElseThrow();
          bob.waitFor("the group in Bob's list", WAIT, "[...document.querySelectorAll('#conversations li')]"
              + ".some(li => li.dataset.conversation === " + js(groupId) + " && li.querySelector('.title').textContent.includes('Book club'))");
          openChat(bob, groupId);
          bob.waitFor("Alice's group message", WAIT, shown("First chapter tonight", false));
          await(carol.markRead(aliceNumber, List.of(atCarol.id())));
          alice.waitFor("blue ticks once both read", WAIT, bubble("First chapter tonight", true) + ".dataset.tick === 'read'");
          await(carol.sendGroup(groupId, "I am in"));
          alice.waitFor("Carol's message at Alice", WAIT, shown("I am in", false));
          bob.waitFor("Carol's message at Bob", WAIT, shown("I am in", false));
          assertThat((String) bob.evaluate(bubble("I am in", false) + ".textContent")).contains(carolAccount.number());

          // A file to the group, encrypted and uploaded once: Bob downloads it, Carol's SDK saves it.
          byte[] minutes = new byte[40_000];
          new Random(11).nextBytes(minutes);
          alice.setFiles("#attach", Files.write(dir.resolve("minutes.bin"), minutes));
          IncomingMessage fileAtCarol = carolInbox.next();
          assertThat(fileAtCarol.group()).contains(groupId);
          assertThat(fileAtCarol.attachments()).hasSize(1);
          Path carolFiles = Files.createDirectories(dir.resolve("carol-files"));
          assertThat(Files.readAllBytes(await(carol.saveAttachment(fileAtCarol.attachments().get(0), carolFiles))))
              .isEqualTo(minutes);
          String minutesLink = "#messages [data-outgoing=\"false\"] a.attachment[download=\"minutes.bin\"]";
          bob.waitFor("the group's file at Bob", WAIT, "document.querySelector(" + js(minutesLink) + ") !== null");
          bob.click(minutesLink);
          assertThat(Files.readAllBytes(bob.awaitDownload("minutes.bin", WAIT))).isEqualTo(minutes);

          // Alice takes Carol out of the group; Bob's list shows two members left.
          alice.click("#group-info-open");
          String carolRow = "#group-member-list li[data-member=\"" + carolAccount.number() + "\"]";
          alice.waitFor("Carol among the members", WAIT, "document.querySelector(" + js(carolRow) + ") !== null");
          alice.click(carolRow + " button");
          alice.waitFor("Carol gone from the members", WAIT, "document.querySelector(" + js(carolRow) + ") === null");
          alice.press("#group-dialog", "Escape");
          bob.waitFor("two members in Bob's header", WAIT, "!document.querySelector('#chat-status').textContent.includes("
              + js(carolAccount.number()) + ")");

          // Alice loses the server: the page says so, and what she types waits, with its clock.
          link.down();
          alice.waitFor("the offline banner", WAIT, "!document.querySelector('#banner').hidden && "
              + "document.querySelector('#banner').dataset.kind === 'offline'");
          openChat(alice, bobNumber);
          alice.type("#message-input", "Typed while offline");
          alice.press("#message-input", "Enter");
          Await.until("the text queued", WAIT, () -> aliceWeb.messages(bobNumber).stream()
              .anyMatch(m -> ((JsonObject) m).getBoolean("queued", false)));
          assertThat(alice.evaluate(bubble("Typed while offline", true) + ".dataset.tick")).isEqualTo("pending");

          // The server is back: the banner goes and the text goes out by itself.
          link.up();
          alice.waitFor("the banner gone", RECONNECT, "document.querySelector('#banner').hidden");
          alice.waitFor("the queued text sent", WAIT, "['sent', 'delivered', 'read'].includes("
              + bubble("Typed while offline", true) + "?.dataset.tick)");
          openChat(bob, aliceNumber);
          bob.waitFor("the queued text at Bob", WAIT, shown("Typed while offline", false));

          alice.assertNoJsErrors();
          bob.assertNoJsErrors();
        } catch (AssertionError | RuntimeException e) {
          alice.saveScreenshot(dir.resolve("alice.png"));
          bob.saveScreenshot(dir.resolve("bob.png"));
          throw e;
        }
      } finally {
        await(carol.close());
      }
    } finally {
      server.close();
    }
  }

  @Test
  void aChangedSafetyNumberShowsABannerUntilTrusted(@TempDir Path dir) throws Exception {
    Browser.assumeChromium();
    try (TestServer server = new TestServer(dir.resolve("server"));
        WebFixture fixture = new WebFixture(server, dir)) {
      WebFixture.Account aliceAccount = fixture.register("alice");
      WebFixture.Account carolAccount = fixture.register("carol");
      String carolNumber = carolAccount.number();
      SealpostClient carol = fixture.open(carolAccount);
      await(carol.send(aliceAccount.number(), "from my old phone"));
      await(carol.close());
      WebFixture.Web aliceWeb = fixture.start(aliceAccount);
      try (Browser alice = Browser.launch(dir.resolve("browser-alice"))) {
        try {
          open(alice, aliceWeb);
          openChat(alice, carolNumber);
          alice.waitFor("Carol's first message", WAIT, shown("from my old phone", false));

          // Carol registers her number again on a new phone: new identity key, new safety number.
          SealpostClient newCarol = fixture.reregister(carolNumber, "carol-new-phone");
          await(newCarol.send(aliceAccount.number(), "from my new phone"));
          await(newCarol.close());
          alice.waitFor("the changed-safety-number banner", WAIT, "!document.querySelector('#banner').hidden && "
              + "document.querySelector('#banner').dataset.kind === 'identity' && "
              + "document.querySelector('#banner').textContent.includes(" + js(carolNumber) + ")");
          assertThat(alice.evaluate(shown("from my new phone", false))).as("held until trusted").isEqualTo(false);

          alice.click("#banner button.btn");
          alice.waitFor("the safety number dialog", WAIT, "document.querySelector('#safety-dialog').open");
          alice.click("#trust");
          alice.waitFor("the banner gone", WAIT, "document.querySelector('#banner').hidden");
          alice.waitFor("the held message released", WAIT, shown("from my new phone", false));
          alice.assertNoJsErrors();
        } catch (AssertionError | RuntimeException e) {
          alice.saveScreenshot(dir.resolve("alice.png"));
          throw e;
        }
      }
    }
  }

  private static void open(Browser browser, WebFixture.Web web) {
    browser.navigate(web.client.url().toString());
    browser.waitFor("the page to show the account", WAIT,
        "document.querySelector('#me-number').textContent.trim() === " + js(web.account.number()));
    browser.waitFor("the token to leave the address bar", WAIT, "!location.hash.includes('token')");
  }

  /** Opens the chat {@code id} from the list, once the list has it. */
  private static void openChat(Browser browser, String id) {
    String item = "#conversations li[data-conversation=\"" + id + "\"] button";
    browser.waitFor("the chat " + id + " in the list", WAIT, "document.querySelector(" + js(item) + ") !== null");
    browser.click(item);
    browser.waitFor("the chat " + id + " open", WAIT, "document.querySelector('#chat').dataset.conversation === "
        + js(id) + " && !document.querySelector('#chat').hidden");
  }

  /** True once that bubble is on the page. */
  private static String shown(String text, boolean outgoing) {
    return "Boolean(" + bubble(text, outgoing) + ")";
  }

  /** The bubble whose text is {@code text}, drawn by this side ({@code outgoing}) or the other; undefined when none. */
  private static String bubble(String text, boolean outgoing) {
    return "[...document.querySelectorAll('#messages [data-outgoing=\"" + outgoing + "\"]')]"
        + ".find(b => b.querySelector('.text')?.textContent.trim() === " + js(text) + ")";
  }

  private static String js(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
