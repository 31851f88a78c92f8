package org.sealpost.web;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sealpost.client.MessageId;
import org.sealpost.client.Presence;

/**
 * A chat with one number or one group, and its messages in the order they came. Its id is the
 * number, or the group's id. Presence is live state only, never stored.
 */
final class Conversation {
  enum Kind { DIRECT, GROUP }

  final String id;
  final Kind kind;
  String title;
  List<String> members;
  boolean blocked;
  boolean identityChanged;
  Optional<Presence> presence = Optional.empty();
  final Map<MessageId, ChatMessage> messages = new LinkedHashMap<>();

  Conversation(String id, Kind kind, String title, List<String> members) {
    this.id = id;
    this.kind = kind;
    this.title = title;
    this.members = List.copyOf(members);
  }

  boolean isGroup() {
    return kind == Kind.GROUP;
  }

  Optional<ChatMessage> last() {
    ChatMessage last = null;
    for (ChatMessage message : messages.values()) {
      last = message;
    }
    return Optional.ofNullable(last);
  }

  /** When something last happened in it: orders the list. */
  long lastActivity() {
    return last().map(m -> m.at).orElse(0L);
  }

  List<ChatMessage> unread() {
    List<ChatMessage> unread = new ArrayList<>();
    messages.values().forEach(m -> {
      if (!m.outgoing && !m.read) {
        unread.add(m);
      }
    });
    return unread;
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject().put("id", id).put("kind", kind.name().toLowerCase(java.util.Locale.ROOT))
        .put("title", title).put("unread", unread().size()).put("blocked", blocked)
        .put("identityChanged", identityChanged)
        .put("last", last().map(m -> new JsonObject().put("text", m.text).put("at", m.at).put("outgoing", m.outgoing)
            .put("fileName", m.attachments.isEmpty() ? null : m.attachments.get(0).fileName())).orElse(null))
        .put("presence", presence.map(p -> new JsonObject().put("online", p.online()).put("lastSeen", p.lastSeen())
            .put("at", p.serverTimestamp()))
            .orElse(null));
    if (isGroup()) {
      json.put("members", new JsonArray(members));
    }
    return json;
  }

  /** The stored part: who it is with and the settings shown, not the messages (stored one by one). */
  JsonObject toJournal() {
    return new JsonObject().put("id", id).put("kind", kind.name()).put("title", title)
        .put("members", new JsonArray(members)).put("blocked", blocked).put("identityChanged", identityChanged);
  }

  static Conversation fromJournal(JsonObject json) {
    List<String> members = new ArrayList<>();
    json.getJsonArray("members", new JsonArray()).forEach(m -> members.add((String) m));
    Conversation conversation = new Conversation(json.getString("id"), Kind.valueOf(json.getString("kind")),
        json.getString("title"), members);
    conversation.blocked = json.getBoolean("blocked", false);
    conversation.identityChanged = json.getBoolean("identityChanged", false);
    return conversation;
  }

  /** Takes the stored settings of a later journal record of the same conversation. */
  void update(Conversation stored) {
    title = stored.title;
    members = stored.members;
    blocked = stored.blocked;
    identityChanged = stored.identityChanged;
  }
}
