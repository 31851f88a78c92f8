package org.sealpost.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.sealpost.client.KeyLogAlert;
import org.sealpost.client.KeyLogAudit;
import org.sealpost.client.KeyTransparencyException;
import org.sealpost.client.LoggedKeyCheck;
import org.sealpost.client.SealpostClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sealpost keys audit}: key transparency from the command line. Audits the server's key
 * log for keys bound to this account's number, and checks contacts' logged keys against the
 * ones this device holds, so a user can see that nobody was handed a key in their name.
 */
@Command(name = "keys", mixinStandardHelpOptions = true,
    description = "Key transparency: audit the server's key log.",
    subcommands = {KeysCommand.Audit.class})
public final class KeysCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "audit", mixinStandardHelpOptions = true,
      description = "Audit the key log: print its head, the entries for your number and any alert; with --with, "
          + "check each device of a contact (its entry's proof, and its logged key against the one you hold). "
          + "Exit status 1 on any failure or alert.")
  static final class Audit extends ClientCommand {
    private static final HexFormat HEX = HexFormat.of();

    @Option(names = "--state", required = true, paramLabel = "DIR", description = "This device's state directory.")
    Path state;

    @Option(names = "--with", paramLabel = "+E164", description = "A contact to check (repeatable).")
    List<String> with = List.of();

    @Override
    int run(ClientRuntime runtime) throws Exception {
      return runtime.withClient(state, client -> {
        boolean ok = auditOwn(runtime, client);
        for (String contact : with) {
          ok &= checkContact(runtime, client, contact);
        }
        return ok ? 0 : 1;
      });
    }

    private boolean auditOwn(ClientRuntime runtime, SealpostClient client) throws Exception {
      KeyLogAudit audit;
      try {
        audit = runtime.await(client.auditKeyLog());
      } catch (KeyTransparencyException e) {
        out().println("! key log audit FAILED: " + e.getMessage());
        return false;
      }
      out().println("Key log head: size " + audit.head().size() + ", root " + HEX.formatHex(audit.head().rootHash())
          + ", at " + Instant.ofEpochMilli(audit.head().timestamp()));
      out().println("Audited " + audit.entriesChecked() + " new entries.");
      for (KeyLogAudit.OwnEntry own : audit.ownEntries()) {
        out().println("  entry " + own.index() + ": " + client.number() + " device " + own.deviceId() + " "
            + (own.key().isEmpty() ? "removed" : "key " + shortKey(own.key())) + ", logged " + own.loggedAt()
            + (own.thisDevice() ? "  (this device)" : ""));
      }
      for (KeyLogAlert alert : audit.alerts()) {
        out().println(Lines.keyLogAlert(alert));
      }
      return audit.alerts().isEmpty();
    }

    private boolean checkContact(ClientRuntime runtime, SealpostClient client, String contact) throws Exception {
      List<LoggedKeyCheck> checks;
      try {
        checks = runtime.await(client.checkLoggedKeys(contact));
      } catch (KeyTransparencyException e) {
        out().println(contact + ": FAILED: " + e.getMessage());
        return false;
      }
      if (checks.isEmpty()) {
        out().println(contact + ": no device in the log");
      }
      boolean ok = true;
      for (LoggedKeyCheck check : checks) {
        String key = check.loggedKey().isEmpty() ? "" : " (key " + shortKey(check.loggedKey()) + ")";
        out().println(contact + " device " + check.deviceId() + key + ": "
            + (check.outcome() == LoggedKeyCheck.Outcome.MATCHES ? "OK" : check.isOk() ? "OK, " + check.detail()
                : "FAILED: " + check.detail()));
        ok &= check.isOk();
      }
      return ok;
    }

    private static String shortKey(String hex) {
      return hex.length() <= 16 ? hex : hex.substring(0, 16) + "...";
    }
  }
}
