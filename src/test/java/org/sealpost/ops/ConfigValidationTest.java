package org.sealpost.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.Main;
import org.sealpost.config.ConfigLoader;
import org.sealpost.config.SealpostConfig;
import picocli.CommandLine;

/** A bad key stops `sealpost server` before anything starts, with a message naming the key and value. */
class ConfigValidationTest {
  private final ConfigLoader loader = new ConfigLoader();

  @Test
  void serverRefusesABadFileWithExitCode2AndNamesTheKey(@TempDir Path dir) throws IOException {
    assertServerRefuses(dir, "node:\n  dataDir: " + dir.resolve("d") + "\n  logFormat: xml\n", "node.logFormat", "xml");
    assertServerRefuses(dir, "node:\n  dataDir: " + dir.resolve("d") + "\ngateway:\n  tcpPort: 70000\n",
        "gateway.tcpPort");
    assertServerRefuses(dir, "node:\n  dataDir: " + dir.resolve("d") + "\nstore:\n  backend: mysql\n", "store.backend");
    assertServerRefuses(dir, "node:\n  dataDir: " + dir.resolve("d") + "\ngateway:\n  tcpPort: 7000\n  httpPort: 7000\n",
        "gateway.httpPort", "7000", "gateway.tcpPort");
    Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
    assertServerRefuses(dir, "node:\n  dataDir: " + file.resolve("below") + "\n", "node.dataDir", "a-file");
  }

  @Test
  void environmentOverridesAreValidatedLikeTheFile() {
    assertThatThrownBy(() -> loader.load(null, Map.of("SEALPOST_NODE_EVENT_LOOP_THREADS", "-1")))
        .hasMessageContaining("node.eventLoopThreads").hasMessageContaining("-1");
    assertThatThrownBy(() -> loader.load(null, Map.of("SEALPOST_NODE_WORKER_THREADS", "many")))
        .hasMessageContaining("workerThreads");
    assertThatThrownBy(() -> loader.load(null, Map.of("SEALPOST_NODE_LOG_FORMAT", "yaml")))
        .hasMessageContaining("node.logFormat").hasMessageContaining("yaml");
    assertThatThrownBy(() -> loader.load(null, Map.of("SEALPOST_METRICS_ADMIN_TOKEN", "short")))
        .hasMessageContaining("metrics.adminToken");
    assertThatThrownBy(() -> StartupChecks.check(loader.load(null, Map.of("SEALPOST_STORE_BACKEND", "cassandra",
        "SEALPOST_STORE_CASSANDRA_CONSISTENCY", "MOST"))))
        .hasMessageContaining("store.cassandra.consistency").hasMessageContaining("MOST");
  }

  @Test
  void theConsoleProviderRunsOffLoopbackOnlyWhenTheOperatorSaysSo(@TempDir Path dir) throws IOException {
    String base = "node:\n  dataDir: " + dir.resolve("d") + "\ngateway:\n  host: 0.0.0.0\n";
    assertServerRefuses(dir, base, "accounts.verificationProvider", "console", "0.0.0.0",
        "accounts.allowConsoleProviderOffLoopback");
    String data = System.getProperty("java.io.tmpdir");
    StartupChecks.check(loader.load(null, Map.of("SEALPOST_GATEWAY_HOST", "0.0.0.0", "SEALPOST_NODE_DATA_DIR", data,
        "SEALPOST_ACCOUNTS_ALLOW_CONSOLE_PROVIDER_OFF_LOOPBACK", "true")));
    StartupChecks.check(loader.load(null, Map.of("SEALPOST_GATEWAY_HOST", "127.0.0.1", "SEALPOST_NODE_DATA_DIR", data)));
    StartupChecks.check(loader.load(null, Map.of("SEALPOST_GATEWAY_HOST", "localhost", "SEALPOST_NODE_DATA_DIR", data)));
  }

  @Test
  void poolSizesAndLogFormatAreKeys() {
    SealpostConfig config = loader.load(null, Map.of("SEALPOST_NODE_EVENT_LOOP_THREADS", "3",
        "SEALPOST_NODE_WORKER_THREADS", "7", "SEALPOST_NODE_LOG_FORMAT", "json"));
    assertThat(config.node().eventLoopThreads()).isEqualTo(3);
    assertThat(config.node().workerThreads()).isEqualTo(7);
    assertThat(config.node().logFormat()).isEqualTo("json");
    StartupChecks.check(SealpostConfig.defaults().withNode(config.node().withDataDir(System.getProperty("java.io.tmpdir"))));
  }

  private static void assertServerRefuses(Path dir, String yaml, String... mentions) throws IOException {
    Path file = Files.writeString(dir.resolve("bad.yaml"), yaml);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream previous = System.err;
    int exit;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      exit = new CommandLine(new Main()).execute("server", "--config", file.toString());
    } finally {
      System.setErr(previous);
    }
    assertThat(exit).as("exit code for %s", yaml).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains(mentions);
  }
}
