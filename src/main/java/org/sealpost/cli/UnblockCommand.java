package org.sealpost.cli;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sealpost unblock}: lets a blocked number message you and see your presence again. */
@Command(name = "unblock", mixinStandardHelpOptions = true, description = "Unblock a number.")
public final class UnblockCommand extends ClientCommand {
  @Option(names = "--state", required = true, paramLabel = "DIR", description = "This device's state directory.")
  Path state;

  @Parameters(paramLabel = "+E164", description = "The number to unblock.")
  String number;

  @Override
  int run(ClientRuntime runtime) throws Exception {
    return runtime.withClient(state, client -> {
      runtime.await(client.unblock(number));
      out().println("Unblocked " + number + ".");
      return 0;
    });
  }
}
