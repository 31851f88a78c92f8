package org.sealpost.web;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.sealpost.client.MessageId;
import org.sealpost.client.Receipt;

/**
 * One message of a conversation. An outgoing one remembers who it went to and which of them
 * received and read it, so its tick is the least any recipient reached: in a group, blue only
 * once every member read it. An incoming one remembers whether it was shown (read).
 */
final class ChatMessage {
  enum Tick { SENT, DELIVERED, READ }

  final MessageId id;
  final String conversation;
  final boolean outgoing;
  final String sender;
  final String text;
  final long at;
  final List<ChatAttachment> attachments;
  /** Outgoing: the accounts whose receipts count (a 1:1 partner, or the other group members). */
  final Set<String> recipients;
  final Set<String> deliveredTo = new LinkedHashSet<>();
  final Set<String> readBy = new LinkedHashSet<>();
  boolean read;

  ChatMessage(MessageId id, String conversation, boolean outgoing, String sender, String text, long at,
      List<ChatAttachment> attachments, Set<String> recipients) {
    this.id = id;
    this.conversation = conversation;
    this.outgoing = outgoing;
    this.sender = sender;
    this.text = text;
    this.at = at;
    this.attachments = new ArrayList<>(attachments);
    this.recipients = Set.copyOf(recipients);
  }

  Tick tick() {
    if (!readBy.isEmpty() && readBy.containsAll(recipients)) {
      return Tick.READ;
    }
    Set<String> reached = new LinkedHashSet<>(deliveredTo);
    reached.addAll(readBy);
    return !reached.isEmpty() && reached.containsAll(recipients) ? Tick.DELIVERED : Tick.SENT;
  }

  /** Records a receipt; true when it is news (a recipient's tick moved). */
  boolean apply(Receipt.Kind kind, String by) {
    if (!outgoing || !recipients.contains(by)) {
      return false;
    }
    return kind == Receipt.Kind.READ ? readBy.add(by) : deliveredTo.add(by);
  }

  /** With the {@code localId} the page sent it under, so the page swaps its pending copy for it. */
  JsonObject toJson(String localId) {
    JsonObject json = toJson();
    return localId == null ? json : json.put("localId", localId);
  }

  JsonObject toJson() {
    JsonArray files = new JsonArray();
    attachments.forEach(a -> files.add(a.toJson()));
    return new JsonObject().put("id", id.hex()).put("conversation", conversation).put("outgoing", outgoing)
        .put("sender", sender).put("text", text).put("at", at)
        .put("tick", outgoing ? tick().name().toLowerCase(java.util.Locale.ROOT) : null)
        .put("attachments", files);
  }

  JsonObject toJournal() {
    JsonArray files = new JsonArray();
    attachments.forEach(a -> files.add(a.toJournal()));
    return new JsonObject().put("id", id.hex()).put("conversation", conversation).put("outgoing", outgoing)
        .put("sender", sender).put("text", text).put("at", at).put("attachments", files)
        .put("recipients", new JsonArray(List.copyOf(recipients)))
        .put("deliveredTo", new JsonArray(List.copyOf(deliveredTo)))
        .put("readBy", new JsonArray(List.copyOf(readBy))).put("read", read);
  }

  static ChatMessage fromJournal(JsonObject json) {
    List<ChatAttachment> files = new ArrayList<>();
    json.getJsonArray("attachments", new JsonArray()).forEach(a -> files.add(ChatAttachment.fromJournal((JsonObject) a)));
    ChatMessage message = new ChatMessage(MessageId.fromHex(json.getString("id")), json.getString("conversation"),
        json.getBoolean("outgoing"), json.getString("sender"), json.getString("text"), json.getLong("at"), files,
        strings(json.getJsonArray("recipients")));
    message.deliveredTo.addAll(strings(json.getJsonArray("deliveredTo")));
    message.readBy.addAll(strings(json.getJsonArray("readBy")));
    message.read = json.getBoolean("read", false);
    return message;
  }

  private static Set<String> strings(JsonArray array) {
    Set<String> out = new LinkedHashSet<>();
    if (array != null) {
      array.forEach(value -> out.add((String) value));
    }
    return out;
  }
}
