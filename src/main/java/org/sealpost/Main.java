package org.sealpost;

import org.sealpost.bench.BenchCommand;
import org.sealpost.cli.AccountCommand;
import org.sealpost.cli.BlockCommand;
import org.sealpost.cli.CallCommand;
import org.sealpost.cli.ChatCommand;
import org.sealpost.cli.ContactsCommand;
import org.sealpost.cli.DevicesCommand;
import org.sealpost.cli.PrivacyCommand;
import org.sealpost.cli.PushTokenCommand;
import org.sealpost.cli.GroupCommand;
import org.sealpost.cli.KeysCommand;
import org.sealpost.cli.LinkCommand;
import org.sealpost.cli.ReceiveCommand;
import org.sealpost.cli.RegisterCommand;
import org.sealpost.cli.SafetyNumberCommand;
import org.sealpost.cli.SendCommand;
import org.sealpost.cli.TrustCommand;
import org.sealpost.cli.UnblockCommand;
import org.sealpost.cli.WebCommand;
import org.sealpost.server.ServerCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one entry point of the fat jar: {@code java -jar sealpost.jar <command>}. */
@Command(name = "sealpost", mixinStandardHelpOptions = true, version = "Sealpost 0.1.0",
    description = "Self-hosted end-to-end-encrypted messaging server.",
    subcommands = {ServerCommand.class, RegisterCommand.class, LinkCommand.class,
        DevicesCommand.class, AccountCommand.class, SendCommand.class, ReceiveCommand.class,
        ChatCommand.class, GroupCommand.class, SafetyNumberCommand.class, TrustCommand.class, KeysCommand.class,
        PrivacyCommand.class,
        ContactsCommand.class, BlockCommand.class, UnblockCommand.class, PushTokenCommand.class, CallCommand.class,
        WebCommand.class,
        BenchCommand.class, org.sealpost.ops.HealthCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  public static void main(String[] args) {
    int exit = new CommandLine(new Main()).execute(args);
    if (exit != 0 || args.length == 0 || !"server".equals(args[0])) {
      System.exit(exit);
    }
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
