package org.sealpost.cli;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sealpost trust}: accepts a contact's changed safety number once the user compared it,
 * so sending to the contact works again and its held messages arrive on the next receive.
 */
@Command(name = "trust", mixinStandardHelpOptions = true,
    description = "Accept a contact's changed safety number (compare it first with safety-number).")
public final class TrustCommand extends ClientCommand {
  @Option(names = "--state", required = true, paramLabel = "DIR", description = "This device's state directory.")
  Path state;

  @Option(names = "--with", required = true, paramLabel = "+E164", description = "The contact.")
  String with;

  @Override
  int run(ClientRuntime runtime) throws Exception {
    return runtime.withClient(state, client -> {
      out().println(Lines.trusted(with, runtime.await(client.trust(with))));
      return 0;
    });
  }
}
