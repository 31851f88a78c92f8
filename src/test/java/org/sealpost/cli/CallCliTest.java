package org.sealpost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.Main;
import org.sealpost.testing.Await;
import org.sealpost.testing.TestServer;
import picocli.CommandLine;

/** {@code sealpost call}: one side calls, the other answers with {@code call --answer}, in-process against a real server. */
class CallCliTest {
  @TempDir Path dir;
  private TestServer server;
  private String alice;
  private String bob;

  private record Run(int exit, String out, String err) {}

  @BeforeEach
  void start() {
    // Nobody types: register must not wait for a code on the console.
    System.setIn(new java.io.ByteArrayInputStream(new byte[0]));
    server = new TestServer(dir.resolve("server"));
    alice = TestServer.newNumber();
    bob = TestServer.newNumber();
    register(alice, "alice");
    register(bob, "bob");
    // A first message each way sets up the sessions (and uploads keys), as real use would.
    assertThat(run(new StringWriter(), "send", "--state", state("alice"), "--to", bob, "--text", "hi").exit()).isZero();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aCallIsAnsweredAndHungUp() throws Exception {
    StringWriter bobOut = new StringWriter();
    CompletableFuture<Run> callee = CompletableFuture.supplyAsync(
        () -> run(bobOut, "call", "--state", state("bob"), "--answer", "--timeout", "60", "--talk", "60"));
    Await.until("the callee is connected", Duration.ofSeconds(60), () -> bobOut.toString().contains("waiting for calls"));

    Run caller = run(new StringWriter(), "call", "--state", state("alice"), bob, "--talk", "1");
    Run answered = callee.get(90, TimeUnit.SECONDS);

    assertThat(caller.exit()).as(caller.err()).isZero();
    assertThat(caller.out()).containsSubsequence("calling " + bob, "ringing", "answered", "hung up");
    assertThat(answered.exit()).as(answered.err()).isZero();
    assertThat(answered.out()).containsSubsequence("waiting for calls", "incoming call from " + alice, "answered",
        "hung up");
  }

  @Test
  void anOfflineCalleeIsUnreachableAndReceiveShowsTheMissedCall() {
    Run caller = run(new StringWriter(), "call", "--state", state("alice"), bob);
    Run received = run(new StringWriter(), "receive", "--state", state("bob"));

    assertThat(caller.exit()).isEqualTo(1);
    assertThat(caller.out()).contains("unreachable");
    assertThat(received.exit()).as(received.err()).isZero();
    assertThat(received.out()).contains("missed call from " + alice);
  }

  @Test
  void nobodyAnswersWithinTheRingTimeout() throws Exception {
    StringWriter bobOut = new StringWriter();
    // bob is connected (receive keeps waiting) but never answers.
    CompletableFuture<Run> callee = CompletableFuture.supplyAsync(
        () -> run(bobOut, "receive", "--state", state("bob"), "--timeout", "15"));
    Await.until("the callee is connected", Duration.ofSeconds(60), () -> bobOut.toString().contains(alice));

    Run caller = run(new StringWriter(), "call", "--state", state("alice"), bob, "--ring-timeout", "2");

    assertThat(caller.exit()).isEqualTo(1);
    assertThat(caller.out()).containsSubsequence("ringing", "no answer");
    assertThat(callee.get(90, TimeUnit.SECONDS).out()).contains("missed call from " + alice);
  }

  private Run run(StringWriter out, String... args) {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Main()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private String state(String name) {
    return dir.resolve(name).toString();
  }

  private void register(String number, String name) {
    run(new StringWriter(), "register", "--server", server.httpUri().toString(), "--phone", number, "--state", state(name));
    Run verified = run(new StringWriter(), "register", "--server", server.httpUri().toString(), "--phone", number,
        "--state", state(name), "--code", TestServer.TEST_CODE, "--device-name", name);
    assertThat(verified.exit()).as(verified.err()).isZero();
  }
}
