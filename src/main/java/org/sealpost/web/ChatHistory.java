package org.sealpost.web;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sealpost.client.MessageId;

/**
 * Every conversation and message the web client has shown, kept in memory and in
 * {@code web/history.jsonl} of the state directory. A record is a conversation's settings or a
 * message's whole state; the last record of an id wins, so a change is one more record. Used on
 * the web client's context only; each change completes once it is on disk.
 */
final class ChatHistory {
  static final String FILE = "web/history.jsonl";

  private final HistoryJournal journal;
  private final Map<String, Conversation> conversations = new LinkedHashMap<>();
  private final Map<MessageId, ChatMessage> messages = new HashMap<>();
  /** Texts waiting for the server, by localId, in the order typed. */
  private final Map<String, QueuedMessage> queued = new LinkedHashMap<>();

  private ChatHistory(HistoryJournal journal) {
    this.journal = journal;
  }

  /** Reads the history of the state directory {@code state} (on a worker) and opens it for changes. */
  static Future<ChatHistory> open(Vertx vertx, Path state) {
    return vertx.executeBlocking(() -> {
      List<JsonObject> records = new ArrayList<>();
      HistoryJournal journal = HistoryJournal.open(vertx, state.resolve(FILE), records);
      ChatHistory history = new ChatHistory(journal);
      records.forEach(history::replay);
      int live = history.conversations.size() + history.messages.size() + history.queued.size();
      if (records.size() > 2 * live + 1000) {
        journal.rewrite(history.snapshot());
      }
      return history;
    });
  }

  private void replay(JsonObject record) {
    switch (record.getString("type", "")) {
      case "conversation" -> {
        Conversation stored = Conversation.fromJournal(record);
        Conversation known = conversations.putIfAbsent(stored.id, stored);
        if (known != null) {
          known.update(stored);
        }
      }
      case "message" -> place(ChatMessage.fromJournal(record));
      case "queued" -> queued.put(record.getString("localId"), QueuedMessage.fromJournal(record));
      case "dequeued" -> queued.remove(record.getString("localId"));
      default -> { } // "closed" marks a clean stop
    }
  }

  private List<JsonObject> snapshot() {
    List<JsonObject> records = new ArrayList<>();
    for (Conversation conversation : conversations.values()) {
      records.add(conversation.toJournal().put("type", "conversation"));
      conversation.messages.values().forEach(m -> records.add(m.toJournal().put("type", "message")));
    }
    queued.values().forEach(q -> records.add(q.toJournal()));
    return records;
  }

  private void place(ChatMessage message) {
    Conversation conversation = conversations.computeIfAbsent(message.conversation,
        id -> new Conversation(id, Conversation.Kind.DIRECT, id, List.of()));
    conversation.messages.remove(message.id);
    conversation.messages.put(message.id, message);
    messages.put(message.id, message);
  }

  Optional<Conversation> conversation(String id) {
    return Optional.ofNullable(conversations.get(id));
  }

  Optional<ChatMessage> message(MessageId id) {
    return Optional.ofNullable(messages.get(id));
  }

  /** Newest activity first. */
  List<Conversation> conversations() {
    return conversations.values().stream()
        .sorted(Comparator.comparingLong(Conversation::lastActivity).reversed())
        .toList();
  }

  /** Stores a new conversation or the changed settings of a known one. */
  Future<Conversation> save(Conversation conversation) {
    conversations.putIfAbsent(conversation.id, conversation);
    return journal.append(conversation.toJournal().put("type", "conversation")).map(conversation);
  }

  /** Stores a new message, or the new state of a known one (ticks, read, a saved file). */
  Future<ChatMessage> save(ChatMessage message) {
    if (messages.get(message.id) != message) {
      place(message);
    }
    return journal.append(message.toJournal().put("type", "message")).map(message);
  }

  /** The texts waiting for the server, oldest first (not those it refused for good). */
  List<QueuedMessage> queued() {
    return queued.values().stream().filter(q -> !q.failed()).toList();
  }

  Optional<QueuedMessage> queuedAs(String localId) {
    return Optional.ofNullable(queued.get(localId));
  }

  List<QueuedMessage> queued(String conversation) {
    return queued.values().stream().filter(q -> q.conversation().equals(conversation)).toList();
  }

  /** Keeps a text to send when the server is back, or, with its error, one it refused. */
  Future<QueuedMessage> queue(QueuedMessage message) {
    queued.put(message.localId(), message);
    return journal.append(message.toJournal()).map(message);
  }

  /** The text went out, or will be sent anew: it waits no more. */
  Future<Void> dequeue(QueuedMessage message) {
    queued.remove(message.localId());
    return journal.append(new JsonObject().put("type", "dequeued").put("localId", message.localId()));
  }

  Future<Void> close() {
    return journal.close();
  }
}
