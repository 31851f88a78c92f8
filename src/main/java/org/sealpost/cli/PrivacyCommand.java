package org.sealpost.cli;

import java.nio.file.Path;
import java.util.Locale;
import org.sealpost.protocol.PrivacySettings;
import org.sealpost.protocol.Visibility;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sealpost privacy}: shows this account's privacy settings, changing the ones given first. */
@Command(name = "privacy", mixinStandardHelpOptions = true,
    description = "Show or change who sees your last seen and online status, and read receipts.")
public final class PrivacyCommand extends ClientCommand {
  @Option(names = "--state", required = true, paramLabel = "DIR", description = "This device's state directory.")
  Path state;

  @Option(names = "--last-seen", paramLabel = "WHO", description = "everyone, contacts or nobody.")
  String lastSeen;

  @Option(names = "--online", paramLabel = "WHO", description = "everyone, contacts or nobody.")
  String online;

  @Option(names = "--read-receipts", paramLabel = "on|off",
      description = "off: you neither send nor receive read receipts.")
  String readReceipts;

  @Override
  int run(ClientRuntime runtime) throws Exception {
    return runtime.withClient(state, client -> {
      PrivacySettings settings = runtime.await(client.privacy());
      if (lastSeen != null || online != null || readReceipts != null) {
        PrivacySettings.Builder changed = settings.toBuilder();
        if (lastSeen != null) {
          changed.setLastSeen(visibility(lastSeen, "--last-seen"));
        }
        if (online != null) {
          changed.setOnline(visibility(online, "--online"));
        }
        if (readReceipts != null) {
          if (!readReceipts.equals("on") && !readReceipts.equals("off")) {
            throw new IllegalArgumentException("--read-receipts must be on or off");
          }
          changed.setReadReceiptsOff(readReceipts.equals("off"));
        }
        settings = runtime.await(client.setPrivacy(changed.build()));
      }
      out().println("last seen:     " + name(settings.getLastSeen()));
      out().println("online:        " + name(settings.getOnline()));
      out().println("read receipts: " + (settings.getReadReceiptsOff() ? "off" : "on"));
      return 0;
    });
  }

  private static Visibility visibility(String value, String option) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "everyone" -> Visibility.EVERYONE;
      case "contacts" -> Visibility.CONTACTS;
      case "nobody" -> Visibility.NOBODY;
      default -> throw new IllegalArgumentException(option + " must be everyone, contacts or nobody");
    };
  }

  private static String name(Visibility visibility) {
    return visibility == Visibility.CONTACTS ? "my contacts" : visibility.name().toLowerCase(Locale.ROOT);
  }
}
