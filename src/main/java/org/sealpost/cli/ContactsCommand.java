package org.sealpost.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sealpost contacts}: uploads an address book (replacing the previous one) and lists the
 * numbers that are on Sealpost. These numbers are "my contacts" of the privacy settings.
 */
@Command(name = "contacts", mixinStandardHelpOptions = true,
    description = "Upload your contacts (replacing the previous list) and see which are on Sealpost.")
public final class ContactsCommand extends ClientCommand {
  @Option(names = "--state", required = true, paramLabel = "DIR", description = "This device's state directory.")
  Path state;

  @Option(names = "--file", paramLabel = "FILE", description = "One E.164 number per line (# starts a comment).")
  Path file;

  @Parameters(paramLabel = "+E164", arity = "0..*", description = "Numbers to upload.")
  List<String> numbers = new ArrayList<>();

  @Override
  int run(ClientRuntime runtime) throws Exception {
    List<String> all = new ArrayList<>(numbers);
    if (file != null) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String number = line.replaceAll("#.*", "").trim();
        if (!number.isEmpty()) {
          all.add(number);
        }
      }
    }
    return runtime.withClient(state, client -> {
      List<String> registered = runtime.await(client.uploadContacts(all));
      out().println("Uploaded " + all.size() + " numbers; " + registered.size() + " on Sealpost:");
      registered.forEach(number -> out().println("  " + number));
      return 0;
    });
  }
}
