package org.sealpost.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * terminal, empty input) it stops after sending with exit status {@link #CODE_NOT_ENTERED}, so a
 * script notices the account does not exist yet, and a second run with {@code --code} finishes.
 * A code belongs to the registration session that asked for it: the first run keeps the session
 * id in the state directory for the second ({@code --session} names another).
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

  @Option(names = "--session", paramLabel = "ID",
      description = "With --code: the registration session of the code (default: the one the earlier run kept in --state).")
  String session;

  /** Exit status of a run that had the code sent but got none typed: not registered yet. */
  static final int CODE_NOT_ENTERED = 3;

  /** The session of a code requested by an earlier run, kept until the registration is done. */
  static final String SESSION_FILE = "registration-session";

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
    String sessionId = session;
    if (verification == null) {
      RequestCodeResponse sent = runtime.await(SealpostClient.requestCode(runtime.vertx(), server, phone));
      sessionId = sent.getSessionId();
      Files.createDirectories(state);
      Files.writeString(state.resolve(SESSION_FILE), phone + "\n" + sessionId + "\n");
      out().println("A verification code was sent to " + phone + " (valid until "
          + Instant.ofEpochMilli(sent.getExpiresAt()) + ").");
      out().flush();
      verification = askForCode();
      if (verification == null || verification.isBlank()) {
        out().println();
        out().println("No code entered. To finish, run: sealpost register --server " + server + " --phone " + phone
            + " --state " + state + " --code CODE");
        return CODE_NOT_ENTERED;
      }
    } else if (sessionId == null) {
      sessionId = keptSession();
      if (sessionId == null) {
        err().println("sealpost: " + state + " holds no registration session for " + phone
            + "; run register without --code first (it has the code sent), or give --session.");
        return 1;
      }
    }
    SealpostClient client = runtime.await(SealpostClient.register(runtime.vertx(), state, server, phone,
        sessionId.trim(), verification.trim(), deviceName));
    Files.deleteIfExists(state.resolve(SESSION_FILE));
    runtime.await(client.close());
    out().println("Registered " + client.number() + " (device " + client.deviceId() + "); state in " + state + ".");
    return 0;
  }

  /** The session the requesting run kept for this number, or null. */
  private String keptSession() throws IOException {
    Path file = state.resolve(SESSION_FILE);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    java.util.List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    return lines.size() >= 2 && lines.get(0).equals(phone) ? lines.get(1) : null;
  }

  private String askForCode() throws IOException {
    return Prompt.ask(out(), "Code: ");
  }
}
