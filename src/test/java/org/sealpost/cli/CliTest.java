package org.sealpost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.Main;
import org.sealpost.protocol.AccountExport;
import org.sealpost.testing.TestServer;
import picocli.CommandLine;

/** The client commands, run in-process the way {@code java -jar sealpost.jar ...} runs them, against a real server. */
class CliTest {
  private static final Pattern MESSAGE_ID = Pattern.compile("^[0-9a-f]{32}$");

  @TempDir Path dir;
  private TestServer server;
  private String alice;
  private String bob;

  /** What one command printed and returned. */
  private record Run(int exit, String out, String err) {}

  @BeforeEach
  void start() {
    // Webhook pushes on, so push-token can register one (nothing is pushed: no token, no push).
    server = new TestServer(dir.resolve("server"), config -> config.withPush(new org.sealpost.config.PushConfig(
        null, null, new org.sealpost.config.PushConfig.WebhookConfig(true, false), "",
        config.push().minInterval(), config.push().maxAttempts(), config.push().backoff(), config.push().requestTimeout())));
    alice = TestServer.newNumber();
    bob = TestServer.newNumber();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Run typing(String input, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Main()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    InputStream stdin = System.in;
    System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
    try {
      int exit = cli.execute(args);
      return new Run(exit, out.toString(), err.toString());
    } finally {
      System.setIn(stdin);
    }
  }

  private Run run(String... args) {
    return typing("", args);
  }

  private String state(String name) {
    return dir.resolve(name).toString();
  }

  /** Registers in two steps: request a code (nobody types it), then finish with --code. */
  private void register(String number, String name) {
    Run requested = run("register", "--server", server.httpUri().toString(), "--phone", number, "--state", state(name));
    Run verified = run("register", "--server", server.httpUri().toString(), "--phone", number, "--state", state(name),
        "--code", TestServer.TEST_CODE, "--device-name", name);

    assertThat(requested.exit()).as("not registered yet: " + requested.err()).isEqualTo(RegisterCommand.CODE_NOT_ENTERED);
    assertThat(requested.out()).contains("A verification code was sent to " + number).contains("--code CODE");
    assertThat(verified.exit()).as(verified.err()).isZero();
    assertThat(verified.out()).contains("Registered " + number + " (device 1)");
  }

  /**
   * Multi-device from the command line: the primary prints a link code, a new state directory
   * links with it, messages to the account reach both devices, one device's sends show on the
   * other, and the primary removes the linked device.
   */
  @Test
  void aLinkedDeviceGetsTheAccountsMessagesAndSeesWhatTheOtherSends() {
    register(alice, "alice");
    register(bob, "bob");

    Run code = run("link", "--state", state("alice"));
    assertThat(code.exit()).as(code.err()).isZero();
    String linkCode = code.out().lines().findFirst().orElseThrow();
    assertThat(code.out()).contains("--phone " + alice + " --code " + linkCode);
    Run linked = run("link", "--server", server.httpUri().toString(), "--phone", alice, "--code", linkCode,
        "--state", state("alice-laptop"), "--device-name", "laptop");
    assertThat(linked.exit()).as(linked.err()).isZero();
    assertThat(linked.out()).contains("Linked " + alice + " (device 2)");
    Run devices = run("devices", "--state", state("alice-laptop"));
    assertThat(devices.out().lines()).hasSize(2)
        .anySatisfy(line -> assertThat(line).startsWith("1  alice"))
        .anySatisfy(line -> assertThat(line).startsWith("2  laptop").endsWith("(this device)"));

    assertThat(run("send", "--state", state("bob"), "--to", alice, "--text", "to both of you").exit()).isZero();
    assertThat(run("receive", "--state", state("alice")).out().lines()).containsExactly(bob + ": to both of you");
    assertThat(run("receive", "--state", state("alice-laptop")).out().lines()).containsExactly(bob + ": to both of you");

    assertThat(run("send", "--state", state("alice"), "--to", bob, "--text", "from the phone").exit()).isZero();
    assertThat(run("receive", "--state", state("alice-laptop")).out().lines())
        .containsExactly(alice + " (to " + bob + "): from the phone");

    Run removed = run("devices", "--state", state("alice"), "--remove", "2");
    assertThat(removed.exit()).as(removed.err()).isZero();
    assertThat(run("devices", "--state", state("alice")).out().lines()).hasSize(1);
  }

  /**
   * A state directory is not tied to one node: with --server listing a node that is down first,
   * send and receive move on to the next, as the SDK fails over.
   */
  @Test
  void sendAndReceiveFailOverToTheNextServer() throws Exception {
    register(alice, "alice");
    register(bob, "bob");
    Run sent;
    Run received;
    try (java.net.Socket down = org.sealpost.testing.Sockets.refusingPort()) {
      String servers = "http://127.0.0.1:" + down.getLocalPort() + "," + server.httpUri();
      sent = run("send", "--state", state("alice"), "--server", servers, "--to", bob, "--text", "via the second node");
      received = run("receive", "--state", state("bob"), "--server", servers);
    }

    assertThat(sent.exit()).as(sent.err()).isZero();
    assertThat(received.exit()).as(received.err()).isZero();
    assertThat(received.out().lines()).containsExactly(alice + ": via the second node");
  }

  /**
   * The owner leaving from the command line: export prints what the server holds as JSON; delete
   * asks to type the number, has a code sent and asks for it; afterwards the number is unknown.
   */
  @Test
  void anAccountIsExportedThenDeletedFromTheCommandLine() throws Exception {
    register(alice, "alice");
    register(bob, "bob");

    Run export = run("account", "export", "--state", state("alice"));
    assertThat(export.exit()).as(export.err()).isZero();
    AccountExport parsed = parseJson(export.out());
    assertThat(parsed.getNumber()).isEqualTo(alice);
    assertThat(parsed.getDevicesList()).singleElement().satisfies(d -> assertThat(d.getName()).isEqualTo("alice"));

    Run refused = typing("not my number\n", "account", "delete", "--state", state("alice"));
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err()).contains("not confirmed");
    Run noCode = typing(alice + "\n\n", "account", "delete", "--state", state("alice"));
    assertThat(noCode.exit()).isEqualTo(RegisterCommand.CODE_NOT_ENTERED);
    assertThat(noCode.out()).contains("--code CODE");

    Run deleted = typing(alice + "\n" + TestServer.TEST_CODE + "\n", "account", "delete", "--state", state("alice"));
    assertThat(deleted.exit()).as(deleted.err()).isZero();
    assertThat(deleted.out()).contains("A deletion code was sent to " + alice).contains("Deleted " + alice);

    Run toGone = run("send", "--state", state("bob"), "--to", alice, "--text", "are you there?");
    assertThat(toGone.exit()).isNotZero();
    assertThat(toGone.err()).contains("404");
  }

  private static AccountExport parseJson(String json) throws Exception {
    AccountExport.Builder export = AccountExport.newBuilder();
    com.google.protobuf.util.JsonFormat.parser().merge(json, export);
    return export.build();
  }

  @Test
  void registerSendAndReceive() {
    register(alice, "alice");
    register(bob, "bob");

    Run sent = run("send", "--state", state("alice"), "--to", bob, "--text", "hello from the command line");
    Run received = run("receive", "--state", state("bob"));
    Run ticks = run("receive", "--state", state("alice"));
    Run nothingMore = run("receive", "--state", state("bob"));

    assertThat(sent.exit()).as(sent.err()).isZero();
    String id = sent.out().trim();
    assertThat(id).matches(MESSAGE_ID);
    assertThat(received.exit()).as(received.err()).isZero();
    assertThat(received.out().lines()).containsExactly(alice + ": hello from the command line");
    assertThat(ticks.out().lines()).containsExactly("✓✓ delivered " + id + " by " + bob);
    assertThat(nothingMore.exit()).isZero();
    assertThat(nothingMore.out()).isEmpty();
  }

  @Test
  void sendAFileAndReceiveSavesIt() throws Exception {
    register(alice, "alice");
    register(bob, "bob");
    byte[] content = new byte[300_000];
    new java.util.Random(7).nextBytes(content);
    java.nio.file.Path report = java.nio.file.Files.write(dir.resolve("report.pdf"), content);

    Run sent = run("send", "--state", state("alice"), "--to", bob, "--file", report.toString(), "--text", "the report");
    Run received = run("receive", "--state", state("bob"), "--download-dir", state("downloads"));

    assertThat(sent.exit()).as(sent.err()).isZero();
    assertThat(received.exit()).as(received.err()).isZero();
    java.nio.file.Path saved = dir.resolve("downloads").resolve("report.pdf");
    assertThat(received.out().lines()).containsExactly(
        alice + ": the report [file report.pdf, 300000 bytes]", "  saved " + saved);
    assertThat(java.nio.file.Files.readAllBytes(saved)).isEqualTo(content);
  }

  @Test
  void bothSidesShowTheSameSafetyNumber() {
    register(alice, "alice");
    register(bob, "bob");
    run("send", "--state", state("alice"), "--to", bob, "--text", "hi");
    run("receive", "--state", state("bob"));

    Run aliceSees = run("safety-number", "--state", state("alice"), "--with", bob);
    Run bobSees = run("safety-number", "--state", state("bob"), "--with", alice);
    Run trust = run("trust", "--state", state("alice"), "--with", bob);

    assertThat(aliceSees.exit()).as(aliceSees.err()).isZero();
    assertThat(digits(aliceSees.out())).hasSize(60).isEqualTo(digits(bobSees.out()));
    assertThat(trust.out()).contains("Nothing to accept");
  }

  /**
   * Key transparency from the command line: the audit prints the log's head and one's own entry,
   * a contact's logged key matches the one held, and a device linked to the number is an alert
   * (exit status 1) on the next audit of the first device.
   */
  @Test
  void keysAuditShowsTheLogAndReportsANewDeviceOfTheNumber() {
    register(alice, "alice");
    register(bob, "bob");
    assertThat(run("send", "--state", state("alice"), "--to", bob, "--text", "hi").exit()).isZero();

    Run audit = run("keys", "audit", "--state", state("alice"), "--with", bob);
    assertThat(audit.exit()).as(audit.out() + audit.err()).isZero();
    assertThat(audit.out()).contains("Key log head: size ")
        .contains(bob + " device 1 (key ").contains("): OK");

    String linkCode = run("link", "--state", state("alice")).out().lines().findFirst().orElseThrow();
    assertThat(run("link", "--server", server.httpUri().toString(), "--phone", alice, "--code", linkCode,
        "--state", state("alice-laptop"), "--device-name", "laptop").exit()).isZero();
    Run alert = run("keys", "audit", "--state", state("alice"));
    assertThat(alert.exit()).isEqualTo(1);
    assertThat(alert.out()).contains("! key log OTHER_DEVICE_KEY: ").contains(alice + " device 2 key ");
  }

  @Test
  void chatSendsTypedLinesAndShowsTheirTicks() {
    register(alice, "alice");
    register(bob, "bob");

    Run chat = typing("typed in the chat\n/quit\n", "chat", "--state", state("alice"), "--to", bob);
    Run received = run("receive", "--state", state("bob"));

    assertThat(chat.exit()).as(chat.err()).isZero();
    assertThat(chat.out()).contains("Chatting with " + bob).contains("✓  sent").contains("typed in the chat");
    assertThat(received.out().lines()).containsExactly(alice + ": typed in the chat");
  }

  @Test
  void privacyContactsAndBlocking() {
    register(alice, "alice");
    register(bob, "bob");

    Run defaults = run("privacy", "--state", state("alice"), "--last-seen", "everyone", "--online", "everyone",
        "--read-receipts", "on");
    Run changed = run("privacy", "--state", state("alice"), "--last-seen", "contacts", "--online", "nobody",
        "--read-receipts", "off");
    Run contacts = run("contacts", "--state", state("alice"), bob, "+15550999999");
    Run blocked = run("block", "--state", state("alice"), bob);
    Run list = run("block", "--state", state("alice"));
    Run refused = run("send", "--state", state("bob"), "--to", alice, "--text", "hi");
    Run unblocked = run("unblock", "--state", state("alice"), bob);
    Run none = run("block", "--state", state("alice"));

    assertThat(defaults.out()).contains("last seen:     everyone").contains("read receipts: on");
    assertThat(changed.exit()).as(changed.err()).isZero();
    assertThat(changed.out()).contains("last seen:     my contacts").contains("online:        nobody")
        .contains("read receipts: off");
    assertThat(contacts.out()).contains("Uploaded 2 numbers; 1 on Sealpost:").contains("  " + bob);
    assertThat(blocked.out()).contains("Blocked " + bob);
    assertThat(list.out()).contains("Blocked:").contains("  " + bob);
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err()).contains("403 BLOCKED");
    assertThat(unblocked.out()).contains("Unblocked " + bob);
    assertThat(none.out()).contains("Nobody is blocked.");
  }

  @Test
  void pushTokenRegistration() {
    register(alice, "alice");

    Run none = run("push-token", "--state", state("alice"));
    Run registered = run("push-token", "--state", state("alice"), "--type", "webhook", "--url",
        "https://push.example.com/up/alice");
    Run shown = run("push-token", "--state", state("alice"));
    Run refused = run("push-token", "--state", state("alice"), "--type", "apns", "--token", "abcdef0123456789");
    Run removed = run("push-token", "--state", state("alice"), "--remove");
    Run gone = run("push-token", "--state", state("alice"));

    assertThat(none.out()).contains("No push token registered.");
    assertThat(registered.exit()).as(registered.err()).isZero();
    assertThat(registered.out()).contains("Push token registered (webhook).");
    assertThat(shown.out()).contains("webhook https://push.example.com/up/alice");
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err()).contains("APNs pushes are not enabled");
    assertThat(removed.out()).contains("Push token removed.");
    assertThat(gone.out()).contains("No push token registered.");
  }

  @Test
  void sendingWithoutAnAccountFailsWithAMessage() {
    Run sent = run("send", "--state", state("nobody"), "--to", bob, "--text", "hi");

    assertThat(sent.exit()).isEqualTo(1);
    assertThat(sent.err()).contains("register first");
  }

  private static String digits(String safetyNumberOutput) {
    Matcher line = Pattern.compile("device 1: ([0-9 ]+)").matcher(safetyNumberOutput);
    assertThat(line.find()).as(safetyNumberOutput).isTrue();
    return line.group(1).replace(" ", "");
  }
}
