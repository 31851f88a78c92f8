package org.sealpost.cli;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import org.sealpost.client.SealpostClient;
import org.sealpost.protocol.LinkCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code sealpost link}: adds a device to an account, in two steps like WhatsApp's "link a
 * device". On the primary device ({@code --state} of the registered account, no {@code --code})
 * it prints a one-time link code; on the new device ({@code --server}, {@code --phone}, {@code
 * --code} and a new {@code --state}) it links with that code, making the new device's own keys in
 * its own state directory. Messages to the account then reach every device, and what one device
 * sends shows on the others.
 */
@Command(name = "link", mixinStandardHelpOptions = true,
    description = "Link a new device to an account: on the primary, print a one-time code; on the new device, link"
        + " with it (--server, --phone, --code and a new --state).")
public final class LinkCommand extends ClientCommand {
  @Option(names = "--state", required = true, paramLabel = "DIR",
      description = "The primary device's state (to print a code), or the new device's state directory (created, with --code).")
  Path state;

  @Option(names = "--code", paramLabel = "CODE", description = "The link code the primary printed: links this new device.")
  String code;

  @Option(names = "--server", paramLabel = "URL", description = "With --code: the server's HTTP URL.")
  URI server;

  @Option(names = "--phone", paramLabel = "+E164", description = "With --code: the account's phone number.")
  String phone;

  @Option(names = "--device-name", paramLabel = "NAME", defaultValue = "sealpost-cli",
      description = "With --code: the name shown in the account's device list (default: ${DEFAULT-VALUE}).")
  String deviceName;

  @Override
  int run(ClientRuntime runtime) throws Exception {
    if (code == null) {
      return printCode(runtime);
    }
    if (server == null || phone == null) {
      throw new ParameterException(spec.commandLine(), "linking a new device needs --server and --phone with --code");
    }
    if (SealpostClient.hasAccount(state)) {
      err().println("sealpost: " + state + " already holds an account; give the new device a state directory of its own.");
      return 1;
    }
    SealpostClient client = runtime.await(
        SealpostClient.link(runtime.vertx(), state, server, phone, code.trim(), deviceName));
    runtime.await(client.close());
    out().println("Linked " + client.number() + " (device " + client.deviceId() + "); state in " + state + ".");
    return 0;
  }

  private int printCode(ClientRuntime runtime) throws Exception {
    return runtime.withClient(state, client -> {
      LinkCode link = runtime.await(client.createLinkCode());
      out().println(link.getCode());
      out().println("On the new device, before " + Instant.ofEpochMilli(link.getExpiresAt()) + ", run: sealpost link"
          + " --server " + client.server() + " --phone " + client.number() + " --code " + link.getCode()
          + " --state NEW_DIR");
      return 0;
    });
  }
}
