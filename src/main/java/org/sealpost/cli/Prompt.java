package org.sealpost.cli;

import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** One line asked of the person at the terminal (or read from standard input when there is none). */
final class Prompt {
  private Prompt() {}

  /** The line typed after {@code question}; null at the end of input. */
  static String ask(PrintWriter out, String question) throws IOException {
    Console console = System.console();
    if (console != null) {
      return console.readLine(question);
    }
    out.print(question);
    out.flush();
    // Byte by byte, not through a buffered reader: one would read ahead and take the next answer.
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = System.in.read(); b != '\n'; b = System.in.read()) {
      if (b < 0) {
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.UTF_8);
  }
}
