package org.sealpost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.Main;
import org.sealpost.testing.TestServer;
import picocli.CommandLine;

/** Group chat from the command line: group create/add/remove, send --group (text and a file), receive. */
class GroupCliTest {
  @TempDir Path dir;
  private TestServer server;

  private record Run(int exit, String out, String err) {}

  @BeforeEach
  void start() {
    server = new TestServer(dir.resolve("server"));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    java.io.InputStream stdin = System.in;
    System.setIn(new java.io.ByteArrayInputStream(new byte[0]));
    try {
      int exit = new CommandLine(new Main()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
          .execute(args);
      return new Run(exit, out.toString(), err.toString());
    } finally {
      System.setIn(stdin);
    }
  }

  private String state(String name) {
    return dir.resolve(name).toString();
  }

  private String register(String name) {
    String number = TestServer.newNumber();
    run("register", "--server", server.httpUri().toString(), "--phone", number, "--state", state(name));
    Run verified = run("register", "--server", server.httpUri().toString(), "--phone", number, "--state", state(name),
        "--code", TestServer.TEST_CODE, "--device-name", name);
    assertThat(verified.exit()).as(verified.err()).isZero();
    return number;
  }

  @Test
  void groupChatWithTheCommandLine() throws Exception {
    String alice = register("alice");
    String bob = register("bob");
    String carol = register("carol");

    Run created = run("group", "create", "--state", state("alice"), "--name", "Book club", "--members", bob);
    assertThat(created.exit()).as(created.err()).isZero();
    String group = created.out().lines().findFirst().orElseThrow();
    assertThat(group).matches("[0-9a-f]{32}");
    assertThat(created.out()).contains("name:    Book club").contains("admins:  " + alice);
    // Bob's device names the group from its creation on: the sender key handed out at creation
    // carries the key that opens the name, though the "created" event comes before it.
    Run createdAtBob = run("receive", "--state", state("bob"));
    assertThat(createdAtBob.out().lines()).containsExactly("[Book club] * " + alice + " created the group");

    Run added = run("group", "add", "--state", state("alice"), "--group", group, "--members", carol);
    assertThat(added.exit()).as(added.err()).isZero();
    assertThat(added.out()).contains("members: " + alice + ", " + bob + ", " + carol);

    Run sent = run("send", "--state", state("alice"), "--group", group, "--text", "first chapter tonight");
    assertThat(sent.exit()).as(sent.err()).isZero();
    Run atBob = run("receive", "--state", state("bob"));
    Run atCarol = run("receive", "--state", state("carol"));

    assertThat(atBob.exit()).as(atBob.err()).isZero();
    assertThat(atBob.out()).contains("[Book club] " + alice + ": first chapter tonight");
    assertThat(atBob.out()).contains("[Book club] * " + alice + " added " + carol);
    // Carol's device learns the key with the first message; the events before it wait for it.
    assertThat(atCarol.out().lines()).containsSubsequence("[Book club] * " + alice + " added " + carol,
        "[Book club] " + alice + ": first chapter tonight");

    byte[] agenda = "1. chapter one\n2. snacks\n".repeat(2_000).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    java.nio.file.Files.write(dir.resolve("agenda.txt"), agenda);
    Run file = run("send", "--state", state("alice"), "--group", group, "--file", dir.resolve("agenda.txt").toString(),
        "--text", "agenda");
    assertThat(file.exit()).as(file.err()).isZero();
    Path bobFiles = dir.resolve("bob-files");
    Run fileAtBob = run("receive", "--state", state("bob"), "--download-dir", bobFiles.toString());
    assertThat(fileAtBob.out()).contains("[Book club] " + alice + ": agenda").contains("[file agenda.txt");
    assertThat(java.nio.file.Files.readAllBytes(bobFiles.resolve("agenda.txt"))).isEqualTo(agenda);

    Run removed = run("group", "remove", "--state", state("alice"), "--group", group, "--member", carol);
    assertThat(removed.exit()).as(removed.err()).isZero();
    run("send", "--state", state("bob"), "--group", group, "--text", "carol is gone");
    Run atAlice = run("receive", "--state", state("alice"));
    // Carol's device saves the agenda too: into the test's directory, not the working directory.
    Run atCarolAfter = run("receive", "--state", state("carol"), "--download-dir", dir.resolve("carol-files").toString());
    assertThat(atAlice.out()).contains("[Book club] " + bob + ": carol is gone");
    assertThat(atCarolAfter.out()).contains("removed " + carol).doesNotContain("carol is gone");

    Run refused = run("send", "--state", state("carol"), "--group", group, "--text", "let me back in");
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err()).contains("403");
  }
}
