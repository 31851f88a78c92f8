package org.sealpost.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.sealpost.Main;
import picocli.CommandLine;

/** The bench command runs end to end on a tiny load and reports every figure (not a performance test). */
class BenchCommandTest {

  @Test
  void oneToOneReportsAckedDeliveredAndNothingLost() {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int exit;
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      exit = new CommandLine(new Main()).execute("bench", "one-to-one", "--clients", "4", "--rate", "100", "--duration", "1");
    } finally {
      System.setOut(original);
    }
    String output = captured.toString(StandardCharsets.UTF_8);
    String json = output.lines().filter(line -> line.startsWith("{\"scenario\"")).findFirst().orElseThrow();

    assertThat(exit).isZero();
    assertThat(json).contains("\"scenario\":\"one-to-one\"", "\"lost\":0", "\"acked_per_s\":", "\"delivered_per_s\":",
        "\"ack_ms\":{\"p50\":", "\"delivery_ms\":{\"p50\":");
    java.util.regex.Matcher counts = java.util.regex.Pattern.compile("\"sent\":(\\d+),\"acked\":(\\d+),\"delivered\":(\\d+)").matcher(json);
    assertThat(counts.find()).isTrue();
    assertThat(Long.parseLong(counts.group(2))).isPositive().isEqualTo(Long.parseLong(counts.group(1)));
    assertThat(counts.group(3)).isEqualTo(counts.group(2));
  }
}
