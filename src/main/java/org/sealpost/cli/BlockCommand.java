package org.sealpost.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sealpost block}: blocks a number (its messages are refused, it sees none of your
 * presence), or lists the blocked numbers when none is given.
 */
@Command(name = "block", mixinStandardHelpOptions = true,
    description = "Block a number, or list blocked numbers when none is given.")
public final class BlockCommand extends ClientCommand {
  @Option(names = "--state", required = true, paramLabel = "DIR", description = "This device's state directory.")
  Path state;

  @Parameters(paramLabel = "+E164", arity = "0..1", description = "The number to block.")
  String number;

  @Override
  int run(ClientRuntime runtime) throws Exception {
    return runtime.withClient(state, client -> {
      if (number != null) {
        runtime.await(client.block(number));
        out().println("Blocked " + number + ".");
      } else {
        List<String> blocked = runtime.await(client.blocked());
        out().println(blocked.isEmpty() ? "Nobody is blocked." : "Blocked:");
        blocked.forEach(n -> out().println("  " + n));
      }
      return 0;
    });
  }
}
