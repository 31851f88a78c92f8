package org.sealpost.cli;

import java.nio.file.Path;
import java.util.List;
import org.sealpost.client.GroupInfo;
import org.sealpost.client.SealpostClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sealpost group create|add|remove|info}: group membership from the command line. Messages
 * go with {@code send --group ID}; {@code receive} and {@code chat} show them with the group's name.
 */
@Command(name = "group", mixinStandardHelpOptions = true,
    description = "Create a group, add or remove members, show a group.",
    subcommands = {GroupCommand.Create.class, GroupCommand.Add.class, GroupCommand.Remove.class,
        GroupCommand.Info.class})
public final class GroupCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** What every group subcommand shares: open the device, run one call, print the group. */
  abstract static class GroupAction extends ClientCommand {
    @Option(names = "--state", required = true, paramLabel = "DIR", description = "This device's state directory.")
    Path state;

    abstract io.vertx.core.Future<GroupInfo> call(SealpostClient client);

    @Override
    int run(ClientRuntime runtime) throws Exception {
      return runtime.withClient(state, client -> {
        GroupInfo group = runtime.await(call(client));
        out().println(group.id());
        out().println("  name:    " + group.displayName());
        out().println("  members: " + String.join(", ", group.members()));
        out().println("  admins:  " + String.join(", ", group.admins()));
        return 0;
      });
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Create a group (you are its admin); prints its id first.")
  static final class Create extends GroupAction {
    @Option(names = "--name", required = true, description = "The group's name (the server sees it only encrypted).")
    String name;

    @Option(names = "--members", split = ",", paramLabel = "+E164", description = "Other members, comma-separated.")
    List<String> members = List.of();

    @Override
    io.vertx.core.Future<GroupInfo> call(SealpostClient client) {
      return client.createGroup(name, members);
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Add members to a group.")
  static final class Add extends GroupAction {
    @Option(names = "--group", required = true, paramLabel = "ID") String group;

    @Option(names = "--members", required = true, split = ",", paramLabel = "+E164") List<String> members;

    @Override
    io.vertx.core.Future<GroupInfo> call(SealpostClient client) {
      return client.addGroupMembers(group, members);
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = "Remove a member (admins), or leave the group with your own number.")
  static final class Remove extends GroupAction {
    @Option(names = "--group", required = true, paramLabel = "ID") String group;

    @Option(names = "--member", required = true, paramLabel = "+E164") String member;

    @Override
    io.vertx.core.Future<GroupInfo> call(SealpostClient client) {
      return client.removeGroupMember(group, member);
    }
  }

  @Command(name = "info", mixinStandardHelpOptions = true, description = "Show a group's name, members and admins.")
  static final class Info extends GroupAction {
    @Option(names = "--group", required = true, paramLabel = "ID") String group;

    @Override
    io.vertx.core.Future<GroupInfo> call(SealpostClient client) {
      return client.group(group);
    }
  }
}
