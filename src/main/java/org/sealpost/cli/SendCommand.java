package org.sealpost.cli;

import java.nio.file.Path;
import org.sealpost.client.SentMessage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sealpost send}: encrypts one message for every device of the recipient (and a copy for
 * this account's other devices), prints its id once the server stored it (the single tick), and
 * exits. It opens no connection, so messages waiting for this device stay queued for
 * {@code receive} or {@code chat}.
 */
@Command(name = "send", mixinStandardHelpOptions = true,
    description = "Send one end-to-end encrypted message or file; prints the message id once the server stored it.")
public final class SendCommand extends ClientCommand {
  /** Encrypting and uploading a large file over a slow link takes longer than one request. */
  static final java.time.Duration UPLOAD_TIMEOUT = java.time.Duration.ofHours(1);

  @Option(names = "--state", required = true, paramLabel = "DIR", description = "This device's state directory.")
  Path state;

  @Mixin ServerList servers;

  @Option(names = "--to", paramLabel = "+E164", description = "The recipient's number (or --group).")
  String to;

  @Option(names = "--group", paramLabel = "ID", description = "Send to this group instead (its id from `group create`).")
  String group;

  @Option(names = "--text", paramLabel = "TEXT", description = "The message (with --file: its caption).")
  String text;

  @Option(names = "--file", paramLabel = "PATH",
      description = "A file to send, encrypted on this machine and uploaded to the media server.")
  Path file;

  @Override
  int run(ClientRuntime runtime) throws Exception {
    if ((to == null) == (group == null)) {
      throw new IllegalArgumentException("give exactly one of --to and --group");
    }
    if (text == null && file == null) {
      throw new IllegalArgumentException("give --text, --file, or both");
    }
    String caption = text == null ? "" : text;
    return runtime.withClient(servers.open(runtime, state), client -> {
      SentMessage sent;
      if (file != null) {
        sent = runtime.await(group != null ? client.sendGroupFile(group, file, caption)
            : client.sendFile(to, file, caption), UPLOAD_TIMEOUT);
      } else {
        sent = runtime.await(group != null ? client.sendGroup(group, text) : client.send(to, text));
      }
      out().println(sent.id().hex());
      return 0;
    });
  }
}
