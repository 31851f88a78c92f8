package org.sealpost.cli;

import java.nio.file.Path;
import java.util.List;
import org.sealpost.client.SafetyNumber;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sealpost safety-number}: the 60 digits to compare with the contact in person or over
 * another channel. Each Sealpost device has its own identity key, so there is one line per
 * device of the contact.
 */
@Command(name = "safety-number", mixinStandardHelpOptions = true,
    description = "Show the safety number with a contact, one line per device of theirs.")
public final class SafetyNumberCommand extends ClientCommand {
  @Option(names = "--state", required = true, paramLabel = "DIR", description = "This device's state directory.")
  Path state;

  @Option(names = "--with", required = true, paramLabel = "+E164", description = "The contact.")
  String with;

  @Override
  int run(ClientRuntime runtime) throws Exception {
    return runtime.withClient(state, client -> {
      List<SafetyNumber> numbers = runtime.await(client.safetyNumbers(with));
      if (numbers.isEmpty()) {
        err().println("sealpost: " + with + " has no devices with keys");
        return 1;
      }
      numbers.forEach(number -> out().println(Lines.safetyNumber(number)));
      return 0;
    });
  }
}
