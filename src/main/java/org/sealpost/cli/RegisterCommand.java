package org.sealpost.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.sealpost.client.SealpostClient;
import org.sealpost.protocol.RequestCodeResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sealpost register}: creates an account for a phone number and keeps the device's
 * state (credentials, identity, keys, sessions) in a directory.
 *
 * <p>Without {@code --code} it has a code sent and asks for it; when nobody can type it (no
 * terminal, empty input) it stops after sending, and a second run with {@code --code} finishes,
 * since asking again would only replace a code that is still valid.
 */
@Command(name = "register", mixinStandardHelpOptions = true,
    description = "Register a phone number with a Sealpost server and set up this device's keys.")
public final class RegisterCommand extends ClientCommand {
  @Option(names = "--server", required = true, paramLabel = "URL", description = "Server HTTP URL, e.g. http://127.0.0.1:8080.")
  URI server;

  @Option(names = "--phone", required = true, paramLabel = "+E164", description = "The phone number to register.")
  String phone;

  @Option(names = "--state", required = true, paramLabel = "DIR", description = "Directory for this device's state (created).")
  Path state;

  @Option(names = "--code", paramLabel = "CODE", description = "The verification code requested by an earlier run.")
  String code;

  @Option(names = "--device-name", paramLabel = "NAME", defaultValue = "sealpost-cli",
      description = "Name shown in the account's device list (default: ${DEFAULT-VALUE}).")
  String deviceName;

  @Override
  int run(ClientRuntime runtime) throws Exception {
    if (SealpostClient.hasAccount(state)) {
      err().println("sealpost: " + state + " already holds an account; use another --state directory.");
      return 1;
    }
    String verification = code;
    if (verification == null) {
      RequestCodeResponse sent = runtime.await(SealpostClient.requestCode(runtime.vertx(), server, phone));
      out().println("A verification code was sent to " + phone + " (valid until "
          + Instant.ofEpochMilli(sent.getExpiresAt()) + ").");
      out().flush();
      verification = askForCode();
      if (verification == null || verification.isBlank()) {
        out().println();
        out().println("No code entered. To finish, run: sealpost register --server " + server + " --phone " + phone
            + " --state " + state + " --code CODE");
        return 0;
      }
    }
    SealpostClient client = runtime.await(SealpostClient.register(runtime.vertx(), state, server, phone,
        verification.trim(), deviceName));
    runtime.await(client.close());
    out().println("Registered " + client.number() + " (device " + client.deviceId() + "); state in " + state + ".");
    return 0;
  }

  private String askForCode() throws IOException {
    Console console = System.console();
    if (console != null) {
      return console.readLine("Code: ");
    }
    out().print("Code: ");
    out().flush();
    // Not closed: closing would close System.in for the rest of the process.
    BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    return stdin.readLine();
  }
}
