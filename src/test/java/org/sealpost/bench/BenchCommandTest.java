package org.sealpost.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.Main;
import org.sealpost.config.SealpostConfig;
import org.sealpost.testing.TestServer;
import picocli.CommandLine;

/** The bench command runs end to end on a tiny load and reports every figure (not a performance test). */
class BenchCommandTest {

  /** The JSON line of a bench run that exited 0. */
  private static String run(String... args) {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int exit;
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      exit = new CommandLine(new Main()).execute(args);
    } finally {
      System.setOut(original);
    }
    String output = captured.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(output).isZero();
    return output.lines().filter(line -> line.startsWith("{\"scenario\"")).findFirst().orElseThrow();
  }

  /** The JSON line of a bench scenario run against a node the bench reaches by URL. */
  private static String runAgainstServer(Path dir, String scenario, String... options) {
    String prefix = "+1999";
    try (TestServer server = new TestServer(dir, config -> config.withAccounts(
        config.accounts().withTestNumbers(Map.of(prefix + "*", "424242"))))) {
      List<String> args = new ArrayList<>(List.of("bench", scenario, "--server", server.httpUri().toString(),
          "--tcp-port", String.valueOf(server.server().tcpPort()), "--prefix", prefix, "--code", "424242"));
      args.addAll(List.of(options));
      return run(args.toArray(String[]::new));
    }
  }

  private static long figure(String json, String name) {
    Matcher matcher = Pattern.compile("\"" + name + "\":(\\d+)").matcher(json);
    assertThat(matcher.find()).as(name + " in " + json).isTrue();
    return Long.parseLong(matcher.group(1));
  }

  @Test
  void oneToOneReportsAckedDeliveredAndNothingLost() {
    String json = run("bench", "one-to-one", "--clients", "4", "--rate", "100", "--duration", "1", "--warmup", "1");

    assertThat(json).contains("\"scenario\":\"one-to-one\"", "\"crypto\":\"none\"", "\"warmup_s\":1", "\"lost\":0", "\"acked_per_s\":",
        "\"delivered_per_s\":", "\"ack_ms\":{\"p50\":", "\"delivery_ms\":{\"p50\":");
    assertThat(figure(json, "acked")).isPositive().isEqualTo(figure(json, "sent"));
    assertThat(figure(json, "delivered")).isEqualTo(figure(json, "acked"));
    // Server and load in one JVM: the split is unknown, the whole process is reported.
    assertThat(json).contains("\"server_cpu_us_per_msg\":null", "\"cpu_shared_jvm\":true");
    assertThat(decimal(json, "client_cpu_us_per_msg")).isPositive();
  }

  @Test
  void oneToOneAgainstAServerByUrlSplitsCpuBetweenServerAndLoad(@TempDir Path dir) {
    // The server's CPU comes from its /metrics (process_cpu_time_ns_total), as from a server in its own JVM.
    String json = runAgainstServer(dir, "one-to-one", "--clients", "4", "--rate", "100", "--duration", "1",
        "--warmup", "1");

    assertThat(json).contains("\"lost\":0", "\"cpu_shared_jvm\":false");
    assertThat(decimal(json, "server_cpu_us_per_msg")).isPositive();
    assertThat(decimal(json, "client_cpu_us_per_msg")).isPositive();
  }

  @Test
  void frameFloorMovesEveryMessagesSixFramesAndReportsTheRelaysCpuApart() {
    String json = run("bench", "frame-floor", "--clients", "4", "--rate", "100", "--duration", "1", "--warmup", "1");

    assertThat(json).contains("\"scenario\":\"frame-floor\"", "\"lost\":0", "\"errors\":0", "\"cpu_shared_jvm\":false");
    assertThat(figure(json, "acked")).isPositive().isEqualTo(figure(json, "sent"));
    assertThat(figure(json, "delivered")).isEqualTo(figure(json, "acked"));
    // Every delivery was answered and turned into a receipt for its sender.
    assertThat(figure(json, "receipts")).isGreaterThanOrEqualTo(figure(json, "delivered"));
    assertThat(decimal(json, "server_cpu_us_per_msg")).isPositive();
    assertThat(decimal(json, "client_cpu_us_per_msg")).isPositive();
  }

  private static double decimal(String json, String name) {
    Matcher matcher = Pattern.compile("\"" + name + "\":([0-9.]+)").matcher(json);
    assertThat(matcher.find()).as(name + " in " + json).isTrue();
    return Double.parseDouble(matcher.group(1));
  }

  @Test
  void oneToOneWithSignalSessionsDecryptsEveryMessage() {
    String json = run("bench", "one-to-one", "--crypto", "signal", "--clients", "3", "--rate", "10", "--duration", "1",
        "--warmup", "0");

    assertThat(json).contains("\"crypto\":\"signal\"", "\"lost\":0", "\"errors\":0");
    assertThat(figure(json, "acked")).isPositive().isEqualTo(figure(json, "sent"));
    assertThat(figure(json, "delivered")).isEqualTo(figure(json, "acked"));
  }

  @Test
  void offlineDrainDeliversEveryQueuedMessageOnce() {
    String json = run("bench", "offline-drain", "--clients", "5", "--backlog", "20");

    assertThat(json).contains("\"scenario\":\"offline-drain\"", "\"lost\":0", "\"duplicates\":0", "\"errors\":0",
        "\"device_drain_ms\":{\"p50\":", "\"cpu_shared_jvm\":true");
    assertThat(decimal(json, "client_cpu_us_per_msg")).isPositive();
    assertThat(figure(json, "acked")).isEqualTo(100);
    assertThat(figure(json, "delivered")).isEqualTo(100);
  }

  /**
   * A server with its default limits refuses a bench's many registrations from one address; the
   * bench says which server settings it needs instead of a stack trace.
   */
  @Test
  void aRateLimitedBenchNamesTheSettingsItNeeds(@TempDir Path dir) {
    String prefix = "+1999";
    try (TestServer server = new TestServer(dir, config -> config.withLimits(SealpostConfig.defaults().limits())
        .withAccounts(config.accounts().withTestNumbers(Map.of(prefix + "*", "424242"))))) {
      Refused refused = refused("bench", "registration", "--server", server.httpUri().toString(), "--prefix", prefix,
          "--code", "424242", "--clients", "4", "--accounts", "200");

      assertThat(refused.exit()).isEqualTo(2);
      assertThat(refused.err()).contains("rate-limited", "429", "SEALPOST_LIMITS_REGISTRATION_CODE_PER_IP_BUCKET_SIZE",
          "SEALPOST_ACCOUNTS_TEST_NUMBERS='{\"+1999*\": \"424242\"}'").doesNotContain("\tat ");
    }
  }

  /** A server that does not know the bench's test numbers: the bench says how to make it know them. */
  @Test
  void aBenchWithoutTestNumbersSaysHowToGiveThem(@TempDir Path dir) {
    try (TestServer server = new TestServer(dir)) {
      Refused refused = refused("bench", "registration", "--server", server.httpUri().toString(), "--prefix", "+1888",
          "--code", "424242", "--clients", "1", "--accounts", "1");

      assertThat(refused.exit()).isEqualTo(2);
      assertThat(refused.err()).contains("verification code", "SEALPOST_ACCOUNTS_TEST_NUMBERS='{\"+1888*\": \"424242\"}'");
    }
  }

  private record Refused(int exit, String err) {}

  private static Refused refused(String... args) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      int exit = new CommandLine(new Main()).execute(args);
      return new Refused(exit, captured.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(original);
    }
  }

  @Test
  void registrationCountsAccounts() {
    String json = run("bench", "registration", "--clients", "3", "--accounts", "12");

    assertThat(json).contains("\"scenario\":\"registration\"", "\"errors\":0", "\"latency_ms\":{\"p50\":");
    assertThat(figure(json, "registered")).isEqualTo(12);
  }

  @Test
  void connectionsHoldsEveryConnectionAndReadsTheServersMeters(@TempDir Path dir) {
    // connections measures a server in its own process: here, a node in this JVM the bench reaches by URL.
    String json = runAgainstServer(dir, "connections", "--clients", "20", "--duration", "1");

    assertThat(json).contains("\"scenario\":\"connections\"", "\"failed\":0", "\"dropped\":0",
        "\"live_heap_per_connection_bytes\":", "\"rss_per_connection_bytes\":");
    assertThat(figure(json, "connected")).isEqualTo(20);
    assertThat(figure(json, "server_authenticated")).isEqualTo(20);
  }
}
