package org.sealpost.cli;

import com.google.protobuf.util.JsonFormat;
import java.nio.file.Path;
import java.time.Instant;
import org.sealpost.protocol.DeletionCodeResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sealpost account delete|export}: the account's owner leaving, or asking what the server holds. */
@Command(name = "account", mixinStandardHelpOptions = true,
    description = "Delete this account from the server, or export what the server holds about it.",
    subcommands = {AccountCommand.Delete.class, AccountCommand.Export.class})
public final class AccountCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "delete", mixinStandardHelpOptions = true,
      description = {"Deletes this account on the server, for good: its devices, queued messages, keys, groups"
          + " (the members see it leave), contacts, blocks, privacy settings, push tokens and uploaded media.",
          "Run from the primary device. Asks to confirm, has a code sent to the number, and asks for it."})
  static final class Delete extends ClientCommand {
    @Option(names = "--state", required = true, paramLabel = "DIR", description = "The primary device's state directory.")
    Path state;

    @Option(names = "--code", paramLabel = "CODE",
        description = "The deletion code sent to the number by an earlier run (no new code is sent).")
    String code;

    @Option(names = "--yes", description = "Do not ask to confirm.")
    boolean yes;

    @Override
    int run(ClientRuntime runtime) throws Exception {
      return runtime.withClient(state, client -> {
        String number = client.number();
        if (!yes) {
          String typed = Prompt.ask(out(), "This deletes " + number + " and everything the server holds about it."
              + " Type the number to confirm: ");
          if (typed == null || !typed.trim().equals(number)) {
            err().println("sealpost: not confirmed; nothing was deleted.");
            return 1;
          }
        }
        String entered = code;
        if (entered == null) {
          DeletionCodeResponse sent = runtime.await(client.requestDeletionCode());
          out().println("A deletion code was sent to " + number + " (valid until "
              + Instant.ofEpochMilli(sent.getExpiresAt()) + ").");
          entered = Prompt.ask(out(), "Code: ");
          if (entered == null || entered.isBlank()) {
            out().println();
            out().println("No code entered; nothing was deleted. To finish, run: sealpost account delete --state "
                + state + " --code CODE");
            return RegisterCommand.CODE_NOT_ENTERED;
          }
        }
        runtime.await(client.deleteAccount(entered.trim()));
        out().println("Deleted " + number + " from the server. " + state + " now holds keys of an account that no"
            + " longer exists: delete it.");
        return 0;
      });
    }
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Prints, as JSON, what the server holds about this account (docs/protocol.md lists the fields).")
  static final class Export extends ClientCommand {
    @Option(names = "--state", required = true, paramLabel = "DIR", description = "This device's state directory.")
    Path state;

    @Override
    int run(ClientRuntime runtime) throws Exception {
      return runtime.withClient(state, client -> {
        out().println(JsonFormat.printer().print(runtime.await(client.exportAccount())));
        return 0;
      });
    }
  }
}
