package org.sealpost.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
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
    // Not closed: closing would close System.in for the rest of the process.
    BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    return stdin.readLine();
  }
}
