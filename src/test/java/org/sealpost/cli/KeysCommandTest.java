package org.sealpost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.Main;
import picocli.CommandLine;

/** {@code sealpost keys audit} is wired into the CLI; its runs against a server are end-to-end tests. */
class KeysCommandTest {
  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = new CommandLine(new Main()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
        .execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void helpListsKeysAndItsAudit() {
    assertThat(run("--help").out()).contains("keys");
    assertThat(run("keys", "--help").out()).contains("audit");
    assertThat(run("keys", "audit", "--help").out()).contains("--state", "--with");
  }

  @Test
  void auditNeedsAStateDirectoryWithAnAccount() {
    assertThat(run("keys", "audit").exit()).isEqualTo(2);
    Run empty = run("keys", "audit", "--state", dir.resolve("none").toString());
    assertThat(empty.exit()).isEqualTo(1);
    assertThat(empty.err()).contains("no account");
  }
}
