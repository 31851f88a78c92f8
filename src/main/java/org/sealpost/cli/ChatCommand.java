package org.sealpost.cli;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.sealpost.client.ClientListener;
import org.sealpost.client.IncomingMessage;
import org.sealpost.client.KeyLogAlert;
import org.sealpost.client.MessageId;
import org.sealpost.client.Presence;
import org.sealpost.client.Receipt;
import org.sealpost.client.SafetyNumber;
import org.sealpost.client.SealpostClient;
import org.sealpost.client.SentMessage;
import org.sealpost.client.Typing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sealpost chat}: an interactive conversation in the terminal. Each typed line is sent;
 * incoming messages print as they arrive (and are marked read, since they were shown); each
 * sent message prints its tick again whenever it advances: sent ✓, delivered ✓✓, read ✓✓ (blue
 * on a terminal). The partner's presence shows as "online" or "last seen ...", and "typing..."
 * when they type. Ends at end of input or {@code /quit}, after the sends in flight are stored.
 */
@Command(name = "chat", mixinStandardHelpOptions = true,
    description = "Chat with one number: type lines to send them; /safety, /trust, /quit.")
public final class ChatCommand extends ClientCommand {
  private static final String BLUE = "\u001b[34m";
  private static final String RESET = "\u001b[0m";
  private static final Duration QUEUE_DRAIN = Duration.ofMinutes(5);

  @Option(names = "--state", required = true, paramLabel = "DIR", description = "This device's state directory.")
  Path state;

  @Mixin ServerList servers;

  @Option(names = "--to", paramLabel = "+E164", description = "Whom to chat with (or --group).")
  String to;

  @Option(names = "--group", paramLabel = "ID", description = "Chat in this group instead.")
  String group;

  @Option(names = "--read-receipts", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Send read receipts for the messages shown (default: on).")
  boolean readReceipts;

  private final boolean colors = System.console() != null;
  /** Messages sent in this chat and the best tick each has reached. */
  private final Map<MessageId, Tick> ticks = new ConcurrentHashMap<>();
  /** Server time of the newest presence shown. */
  private final AtomicLong presenceSeenAt = new AtomicLong();
  private static final DateTimeFormatter LAST_SEEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

  private enum Tick { SENT, DELIVERED, READ }

  @Override
  int run(ClientRuntime runtime) throws Exception {
    if ((to == null) == (group == null)) {
      throw new IllegalArgumentException("give exactly one of --to and --group");
    }
    return runtime.withClient(servers.open(runtime, state), client -> {
      Promise<Void> drained = Promise.promise();
      client.listener(new Screen(client, drained));
      runtime.await(servers.connect(client));
      runtime.await(drained.future(), QUEUE_DRAIN);
      String with = group != null ? "group " + runtime.await(client.groupName(group)) : to;
      out().println("Chatting with " + with + " as " + client.number() + ". Type a message and press Enter;"
          + " /safety shows the safety number, /trust accepts a changed one, /typing shows you typing, /quit ends.");
      if (client.isConnected() && group == null) {
        // Their presence, as far as their privacy settings show it; nothing at all when hidden.
        client.subscribePresence(List.of(to))
            .onSuccess(states -> states.forEach(this::showPresence))
            .onFailure(err -> err().println("! presence unavailable: " + err.getMessage()));
      }
      out().flush();
      List<Future<SentMessage>> sends = converse(runtime, client);
      runtime.await(Future.join(sends));
      return sends.stream().allMatch(Future::succeeded) ? 0 : 1;
    });
  }

  private List<Future<SentMessage>> converse(ClientRuntime runtime, SealpostClient client) throws Exception {
    List<Future<SentMessage>> sends = new ArrayList<>();
    BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = input.readLine(); line != null && !line.equals("/quit"); line = input.readLine()) {
      if ((line.equals("/safety") || line.equals("/trust")) && group != null) {
        out().println("In a group, use /safety and /trust in a chat with each member (chat --to NUMBER).");
      } else if (line.equals("/safety")) {
        for (SafetyNumber number : runtime.await(client.safetyNumbers(to))) {
          out().println(Lines.safetyNumber(number));
        }
      } else if (line.equals("/trust")) {
        out().println(Lines.trusted(to, runtime.await(client.trust(to))));
      } else if (line.equals("/typing")) {
        (group != null ? client.typingInGroup(group, true) : client.typing(to, true))
            .onFailure(err -> err().println("! typing not sent: " + err.getMessage()));
      } else if (!line.isBlank()) {
        String text = line;
        sends.add((group != null ? client.sendGroup(group, text) : client.send(to, text))
            .onSuccess(sent -> advance(sent.id(), Tick.SENT, text))
            .onFailure(err -> {
              err().println("! not sent: " + err.getMessage());
              err().flush();
            }));
      }
      out().flush();
    }
    return sends;
  }

  /** Prints a tick when it is better than the one shown before (receipts can overtake the send's answer). */
  private void advance(MessageId id, Tick tick, String text) {
    Tick before = ticks.get(id);
    if (before != null && before.compareTo(tick) >= 0) {
      return;
    }
    ticks.put(id, tick);
    String label = "[" + id.hex().substring(0, 8) + "]" + (text == null ? "" : " " + preview(text));
    switch (tick) {
      case SENT -> out().println("  " + Lines.SENT + "  sent      " + label);
      case DELIVERED -> out().println("  " + Lines.DELIVERED + " delivered " + label);
      case READ -> out().println("  " + (colors ? BLUE + Lines.DELIVERED + RESET : Lines.DELIVERED) + " read      "
          + label);
      default -> throw new IllegalStateException(tick.name());
    }
    out().flush();
  }

  /** "online" or "last seen ..." for the chat partner. */
  private void showPresence(Presence presence) {
    if (!presence.number().equals(to)) {
      return;
    }
    long newest = presenceSeenAt.get();
    if (presence.serverTimestamp() < newest) {
      return; // an older state that overtook a newer one
    }
    presenceSeenAt.set(presence.serverTimestamp());
    out().println("  " + to + " " + presenceLine(presence));
    out().flush();
  }

  static String presenceLine(Presence presence) {
    if (presence.online()) {
      return "online";
    }
    return presence.lastSeenAt()
        .map(at -> "last seen " + LAST_SEEN.format(at.atZone(ZoneId.systemDefault())))
        .orElse("offline");
  }

  private static String preview(String text) {
    return text.length() <= 24 ? text : text.substring(0, 23) + "…";
  }

  /** Shows what the server pushes. */
  private final class Screen implements ClientListener {
    private final SealpostClient client;
    private final Promise<Void> drained;
    private final GroupEventLines groupEvents;
    private final MessageLines messages;

    Screen(SealpostClient client, Promise<Void> drained) {
      this.client = client;
      this.drained = drained;
      this.groupEvents = new GroupEventLines(client, out());
      this.messages = new MessageLines(client, groupEvents, out());
    }

    @Override
    public Future<Void> onMessage(IncomingMessage message) {
      return messages.print(message).onSuccess(printed -> {
        if (readReceipts && !message.isSentTranscript() && !message.sender().equals(client.number())) {
          client.markRead(message.sender(), List.of(message.id()))
              .onFailure(err -> err().println("! read receipt not sent: " + err.getMessage()));
        }
      });
    }

    @Override
    public void onGroupEvent(org.sealpost.protocol.GroupEvent event) {
      groupEvents.onEvent(event);
    }

    @Override
    public void onReceipt(Receipt receipt) {
      Tick tick = receipt.kind() == Receipt.Kind.READ ? Tick.READ : Tick.DELIVERED;
      for (MessageId id : receipt.messageIds()) {
        if (ticks.containsKey(id)) {
          advance(id, tick, null);
        }
      }
    }

    @Override
    public void onIdentityChanged(String number) {
      messages.printIdentityChanged(number);
    }

    @Override
    public void onKeyLogAlert(KeyLogAlert alert) {
      messages.printKeyLogAlert(alert);
    }

    @Override
    public void onUndecryptable(String sender, int senderDevice, MessageId id) {
      out().println("! a message from " + sender + " could not be decrypted");
      out().flush();
    }

    @Override
    public void onPresence(Presence presence) {
      showPresence(presence);
    }

    @Override
    public void onTyping(Typing typing) {
      if (typing.sender().equals(to) && typing.groupId().isEmpty()) {
        out().println("  " + to + (typing.composing() ? " typing..." : " stopped typing"));
        out().flush();
      }
    }

    @Override
    public void onQueueEmpty() {
      groupEvents.flush().onComplete(printed -> drained.tryComplete());
    }

    @Override
    public void onDisconnected() {
      out().println("! connection to the server lost; messages typed now are sent over HTTP, none arrive");
      out().flush();
      drained.tryComplete();
    }
  }
}
