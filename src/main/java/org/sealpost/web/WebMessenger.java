package org.sealpost.web;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import org.sealpost.client.ClientListener;
import org.sealpost.client.GroupInfo;
import org.sealpost.client.IncomingMessage;
import org.sealpost.client.KeyLogAlert;
import org.sealpost.client.MessageId;
import org.sealpost.client.Presence;
import org.sealpost.client.Receipt;
import org.sealpost.client.SealpostClient;
import org.sealpost.client.SentMessage;
import org.sealpost.client.Typing;
import org.sealpost.protocol.GroupEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web client's chats: what the page asks for, done with the SDK and recorded in the history,
 * and what the server pushes, recorded and passed to the open pages. A message from the server is
 * acknowledged only once it is in the history on disk. Used on the web client's context only.
 */
final class WebMessenger implements ClientListener {
  private static final Logger log = LoggerFactory.getLogger(WebMessenger.class);
  /** Receipts for messages not recorded yet (a receipt can overtake its send's answer); the oldest go first. */
  private static final int EARLY_RECEIPTS = 4096;
  /** When queued texts failed to go although connected (the server answered 502-504), the next try. */
  private static final long QUEUE_RETRY_MS = 5_000;

  private final Vertx vertx;
  private final SealpostClient client;
  private final ChatHistory history;
  private final LiveEvents events;
  private final Path state;
  private final Map<MessageId, List<Receipt>> earlyReceipts = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<MessageId, List<Receipt>> eldest) {
      return size() > EARLY_RECEIPTS;
    }
  };
  /** Null until the first connect attempt ends: the page shows no "unreachable" banner while it is made. */
  private Boolean connected;
  /** A send of the queued texts is under way. */
  private boolean flushing;
  private long queueTimer = -1;

  WebMessenger(Vertx vertx, SealpostClient client, ChatHistory history, LiveEvents events, Path state) {
    this.vertx = vertx;
    this.client = client;
    this.history = history;
    this.events = events;
    this.state = state;
  }

  JsonObject me() {
    return new JsonObject().put("number", client.number()).put("deviceId", client.deviceId())
        .put("connected", connected == null || connected);
  }

  boolean connected() {
    return Boolean.TRUE.equals(connected);
  }

  /** Follows the connection: the page shows a banner while the server cannot be reached. */
  void connected(boolean now) {
    if (connected == null || now != connected) {
      connected = now;
      events.connection(now);
    }
  }

  // ------------------------------------------------------------------ what the page asks

  List<Conversation> conversations() {
    return history.conversations();
  }

  Conversation conversation(String id) {
    return history.conversation(id).orElseThrow(() -> new NoSuchElementException("no conversation " + id));
  }

  /** Starts a chat with {@code number}, or returns the one there is. */
  Future<Conversation> startChat(String number) {
    if (!SealpostClient.isNumber(number)) {
      return Future.failedFuture(new IllegalArgumentException("not a phone number in E.164 form (+ and 7 to 15 digits): "
          + number));
    }
    if (number.equals(client.number())) {
      return Future.failedFuture(new IllegalArgumentException("that is this account's own number"));
    }
    Optional<Conversation> known = history.conversation(number);
    if (known.isPresent()) {
      return Future.succeededFuture(known.get());
    }
    return client.blocked().compose(blocked -> {
      Conversation conversation = new Conversation(number, Conversation.Kind.DIRECT, number, List.of());
      conversation.blocked = blocked.contains(number);
      return history.save(conversation);
    }).onSuccess(conversation -> {
      events.conversation(conversation);
      if (connected()) {
        subscribePresence(List.of(number));
      }
    });
  }

  /** The conversation's messages, then the texts still waiting for the server, as the page shows them. */
  JsonArray messagesJson(String conversationId) {
    JsonArray all = new JsonArray();
    conversation(conversationId).messages.values().forEach(m -> all.add(m.toJson()));
    history.queued(conversationId).forEach(q -> all.add(q.toJson(client.number())));
    return all;
  }

  /**
   * Sends a text: answers with the message at its single tick, or, when the server cannot be
   * reached, with the text queued ({@code "queued": true}) to go out in order once it is back.
   */
  Future<JsonObject> send(String conversationId, String text, String localId) {
    if (text == null || text.isBlank()) {
      return Future.failedFuture(new IllegalArgumentException("a message needs some text"));
    }
    Conversation conversation = conversation(conversationId);
    String local = localId == null || localId.isBlank() ? MessageId.random().hex() : localId;
    if (conversation.blocked) {
      return Future.failedFuture(new WebErrors.BlockedException(conversation.id));
    }
    Optional<QueuedMessage> refused = history.queuedAs(local).filter(QueuedMessage::failed);
    if (refused.isPresent()) {
      // Sent again from the page: the refused copy makes way for this send.
      return history.dequeue(refused.get()).compose(v -> send(conversationId, text, local));
    }
    MessageId id = MessageId.random();
    if (!history.queued().isEmpty()) {
      // Behind the texts still waiting: the order typed is the order sent.
      return queue(conversation, text, local, id).onSuccess(queued -> flushQueue());
    }
    // Only the send itself decides between sent and queued: a sent message that could not be
    // recorded is an error here, never a reason to send it again. One that may or may not have
    // reached the server is queued under its id, so the server keeps one copy.
    return sendNow(conversation, text, id).transform(sent -> {
      if (sent.succeeded()) {
        return recordSent(conversation, sent.result(), text, List.of(), local)
            .map(message -> message.toJson(local));
      }
      return WebErrors.isUnreachable(sent.cause())
          ? queue(conversation, text, local, id).onSuccess(queued -> retryQueueLater())
          : Future.failedFuture(sent.cause());
    });
  }

  private Future<SentMessage> sendNow(Conversation conversation, String text, MessageId id) {
    return knowMembers(conversation).compose(v -> conversation.isGroup()
        ? client.sendGroup(conversation.id, text, id)
        : client.send(conversation.id, text, id));
  }

  private Future<JsonObject> queue(Conversation conversation, String text, String localId, MessageId id) {
    return history.queue(new QueuedMessage(localId, id, conversation.id, text, System.currentTimeMillis(), null))
        .map(queued -> queued.toJson(client.number()));
  }

  /**
   * Drops a queued text the server refused for good (the page's Delete): it never reached anyone,
   * so it goes from the history and from every open page. One still waiting to go out cannot be
   * dropped: it may be on its way already.
   */
  Future<JsonObject> dismiss(String conversationId, String localId) {
    QueuedMessage queued = history.queuedAs(localId).filter(q -> q.conversation().equals(conversationId))
        .orElseThrow(() -> new NoSuchElementException("no unsent text " + localId + " in this chat"));
    if (!queued.failed()) {
      return Future.failedFuture(new WebErrors.StillQueuedException());
    }
    return history.dequeue(queued).onSuccess(v -> events.dismissed(queued))
        .map(v -> new JsonObject().put("conversation", conversationId).put("localId", localId));
  }

  /** Sends the queued texts, oldest first, until one cannot reach the server. */
  void flushQueue() {
    if (flushing || history.queued().isEmpty()) {
      return;
    }
    flushing = true;
    flushNext().onComplete(done -> {
      flushing = false;
      if (done.failed()) {
        log.error("cannot send the queued messages: {}", done.cause().toString());
      }
    });
  }

  private Future<Void> flushNext() {
    List<QueuedMessage> waiting = history.queued();
    if (waiting.isEmpty()) {
      return Future.succeededFuture();
    }
    QueuedMessage next = waiting.get(0);
    Optional<Conversation> conversation = history.conversation(next.conversation());
    Future<SentMessage> sent = conversation
        .map(c -> c.blocked ? Future.<SentMessage>failedFuture(new WebErrors.BlockedException(c.id)) : sendNow(c, next.text(), next.id()))
        .orElseGet(() -> Future.failedFuture(new NoSuchElementException("no conversation " + next.conversation())));
    return sent.transform(result -> {
      if (result.succeeded()) {
        // Out of the queue first: whatever happens next, it is never sent twice.
        return history.dequeue(next)
            .compose(v -> recordSent(conversation.get(), result.result(), next.text(), List.of(), next.localId()))
            .compose(v -> flushNext());
      }
      if (WebErrors.isUnreachable(result.cause())) {
        retryQueueLater();
        return Future.succeededFuture();
      }
      // It can never go as it is (a changed safety number, a block, a refusal): kept, shown failed with why.
      QueuedMessage failed = next.failedWith(WebErrors.of(result.cause()).message());
      return history.queue(failed).onSuccess(events::unsent).compose(v -> flushNext());
    });
  }

  private void retryQueueLater() {
    if (queueTimer < 0) {
      queueTimer = vertx.setTimer(QUEUE_RETRY_MS, id -> {
        queueTimer = -1;
        if (connected()) {
          flushQueue();
        }
      });
    }
  }

  /** Sends the file the page uploaded to {@code upload}; it stays there as this side's copy. */
  Future<JsonObject> sendFile(String conversationId, Path upload, String fileName, String contentType, String caption,
      String localId) {
    Conversation conversation = conversation(conversationId);
    return checkNotBlocked(conversation)
        .compose(v -> knowMembers(conversation))
        .compose(v -> vertx.executeBlocking(() -> Files.size(upload)))
        .compose(size -> (conversation.isGroup() ? client.sendGroupFile(conversation.id, upload, caption)
            : client.sendFile(conversation.id, upload, caption))
            .compose(sent -> recordSent(conversation, sent, caption == null ? "" : caption,
                List.of(new ChatAttachment(0, fileName, contentType, size, Optional.empty(),
                    Optional.of(state.relativize(upload).toString()))), localId)))
        .map(sent -> sent.toJson(localId));
  }

  /** The plaintext of a message's file: fetched, checked and decrypted into the state directory when first asked for. */
  Future<ChatAttachment> attachment(String conversationId, MessageId id, int index) {
    ChatMessage message = history.message(id).filter(m -> m.conversation.equals(conversationId))
        .orElseThrow(() -> new NoSuchElementException("no message " + id + " in " + conversationId));
    if (index < 0 || index >= message.attachments.size()) {
      throw new NoSuchElementException("message " + id + " has no file " + index);
    }
    ChatAttachment attachment = message.attachments.get(index);
    if (attachment.localFile().isPresent()) {
      return Future.succeededFuture(attachment);
    }
    Path directory = state.resolve(WebFiles.DIRECTORY).resolve("in-" + id.hex());
    return vertx.executeBlocking(() -> Files.createDirectories(directory))
        .compose(v -> client.saveAttachment(attachment.pointer().orElseThrow(), directory))
        .compose(saved -> {
          ChatAttachment local = attachment.savedAs(state.relativize(saved).toString());
          message.attachments.set(index, local);
          return history.save(message).map(local);
        });
  }

  Path resolve(ChatAttachment attachment) {
    return state.resolve(attachment.localFile().orElseThrow());
  }

  /** Everything unread in the conversation was shown: read receipts go to the senders. */
  Future<Conversation> read(String conversationId) {
    Conversation conversation = conversation(conversationId);
    Map<String, List<ChatMessage>> bySender = new LinkedHashMap<>();
    conversation.unread().forEach(m -> bySender.computeIfAbsent(m.sender, s -> new ArrayList<>()).add(m));
    List<Future<?>> saved = new ArrayList<>();
    bySender.forEach((sender, unread) -> saved.add(
        client.markRead(sender, unread.stream().map(m -> m.id).toList()).compose(v -> {
          List<Future<?>> each = new ArrayList<>();
          unread.forEach(m -> {
            m.read = true;
            each.add(history.save(m));
          });
          return Future.all(each);
        })));
    return Future.all(saved).map(conversation).onComplete(done -> events.conversation(conversation));
  }

  Future<Void> typing(String conversationId, boolean composing) {
    Conversation conversation = conversation(conversationId);
    return conversation.isGroup() ? client.typingInGroup(conversation.id, composing)
        : client.typing(conversation.id, composing);
  }

  Future<JsonObject> safety(String conversationId) {
    Conversation conversation = direct(conversationId);
    return client.safetyNumbers(conversation.id).map(numbers -> {
      JsonArray devices = new JsonArray();
      numbers.forEach(n -> devices.add(new JsonObject().put("deviceId", n.deviceId()).put("digits", n.grouped())
          .put("trusted", n.isTrusted())));
      return new JsonObject().put("number", conversation.id).put("devices", devices);
    });
  }

  Future<Integer> trust(String conversationId) {
    Conversation conversation = direct(conversationId);
    return client.trust(conversation.id).compose(trusted -> {
      conversation.identityChanged = false;
      return history.save(conversation).map(trusted);
    }).onSuccess(trusted -> events.conversation(conversation));
  }

  Future<Conversation> block(String conversationId, boolean block) {
    Conversation conversation = direct(conversationId);
    return (block ? client.block(conversation.id) : client.unblock(conversation.id)).compose(v -> {
      conversation.blocked = block;
      return history.save(conversation);
    }).onSuccess(events::conversation);
  }

  Future<Conversation> createGroup(String name, List<String> members) {
    if (name == null || name.isBlank()) {
      return Future.failedFuture(new IllegalArgumentException("a group needs a name"));
    }
    for (String member : members) {
      if (!SealpostClient.isNumber(member)) {
        return Future.failedFuture(new IllegalArgumentException("not a phone number in E.164 form: " + member));
      }
    }
    return client.createGroup(name.strip(), members).compose(info -> {
      Conversation conversation = new Conversation(info.id(), Conversation.Kind.GROUP, info.displayName(),
          info.members());
      return history.save(conversation);
    }).onSuccess(events::conversation);
  }

  Future<JsonObject> group(String groupId) {
    return client.group(groupId).compose(this::recordGroup).map(WebMessenger::groupJson);
  }

  Future<JsonObject> addMembers(String groupId, List<String> members) {
    return client.addGroupMembers(groupId, members).compose(this::recordGroup).map(WebMessenger::groupJson);
  }

  Future<JsonObject> removeMember(String groupId, String member) {
    return client.removeGroupMember(groupId, member).compose(this::recordGroup).map(WebMessenger::groupJson);
  }

  private static JsonObject groupJson(GroupInfo info) {
    return new JsonObject().put("id", info.id()).put("name", info.displayName())
        .put("members", new JsonArray(info.members())).put("admins", new JsonArray(List.copyOf(info.admins())));
  }

  // ------------------------------------------------------------------ what the server tells

  @Override
  public Future<Void> onMessage(IncomingMessage message) {
    if (history.message(message.id()).isPresent()) {
      return Future.succeededFuture(); // shown before; the server sent it again
    }
    boolean outgoing = message.sender().equals(client.number());
    return conversationFor(message).compose(conversation -> {
      List<ChatAttachment> files = new ArrayList<>();
      for (int i = 0; i < message.attachments().size(); i++) {
        files.add(ChatAttachment.received(i, message.attachments().get(i)));
      }
      ChatMessage chat = new ChatMessage(message.id(), conversation.id, outgoing, message.sender(), message.text(),
          message.serverTimestamp(), files, outgoing ? recipients(conversation) : Set.of());
      chat.read = outgoing;
      applyEarlyReceipts(chat);
      return history.save(chat).onSuccess(saved -> {
        events.message(saved, null);
        events.conversation(conversation);
      });
    }).mapEmpty();
  }

  @Override
  public void onReceipt(Receipt receipt) {
    for (MessageId id : receipt.messageIds()) {
      Optional<ChatMessage> message = history.message(id);
      if (message.isEmpty()) {
        earlyReceipts.computeIfAbsent(id, k -> new ArrayList<>()).add(receipt);
      } else if (message.get().apply(receipt.kind(), receipt.by())) {
        history.save(message.get())
            .onSuccess(saved -> events.message(saved, null))
            .onFailure(err -> log.error("cannot record a receipt for {}: {}", id, err.toString()));
      }
    }
  }

  @Override
  public void onGroupEvent(GroupEvent event) {
    String groupId = event.getGroupId();
    boolean removed = (event.getKind() == GroupEvent.Kind.MEMBERS_REMOVED
        && event.getMembersList().contains(client.number()))
        || (event.getKind() == GroupEvent.Kind.MEMBER_LEFT && event.getActor().equals(client.number()));
    Future<GroupInfo> info = removed ? Future.failedFuture("no longer a member") : client.group(groupId);
    info.compose(this::recordGroup)
        .recover(err -> groupConversation(groupId).compose(conversation -> {
          // Out of the group: the server shows it no more; the chat stays, without this account.
          conversation.members = conversation.members.stream().filter(m -> !m.equals(client.number())).toList();
          return history.save(conversation).onSuccess(events::conversation).map((GroupInfo) null);
        }))
        .onFailure(err -> log.warn("group {}: cannot record event {}: {}", groupId, event.getKind(), err.toString()));
  }

  @Override
  public void onIdentityChanged(String number) {
    directConversation(number).compose(conversation -> {
      conversation.identityChanged = true;
      return history.save(conversation);
    }).onSuccess(conversation -> {
      events.conversation(conversation);
      events.identityChanged(number);
    }).onFailure(err -> log.error("cannot record the changed safety number of {}: {}", number, err.toString()));
  }

  @Override
  public void onUndecryptable(String sender, int senderDevice, MessageId id) {
    events.alert("A message from " + sender + " could not be decrypted and was dropped.");
  }

  @Override
  public void onQueueEmpty() {
    connected(true);
    flushQueue();
    List<String> numbers = history.conversations().stream().filter(c -> !c.isGroup()).map(c -> c.id).toList();
    if (!numbers.isEmpty()) {
      subscribePresence(numbers);
    }
    // Names of groups whose key came after their first event.
    history.conversations().stream().filter(c -> c.isGroup() && c.title.equals(c.id))
        .forEach(c -> groupConversation(c.id));
  }

  @Override
  public void onPresence(Presence presence) {
    history.conversation(presence.number()).filter(c -> !c.isGroup()).ifPresent(conversation -> {
      if (conversation.presence.map(p -> p.serverTimestamp() > presence.serverTimestamp()).orElse(false)) {
        return; // an older state that overtook a newer one
      }
      conversation.presence = Optional.of(presence);
      events.presence(presence);
      events.conversation(conversation);
    });
  }

  @Override
  public void onTyping(Typing typing) {
    events.typing(typing.groupId().orElse(typing.sender()), typing.sender(), typing.composing());
  }

  @Override
  public void onKeyLogAlert(KeyLogAlert alert) {
    events.alert("Key log (" + alert.kind() + "): " + alert.message());
  }

  @Override
  public void onDisconnected() {
    connected(false);
  }

  // ------------------------------------------------------------------ helpers

  private Future<Void> checkNotBlocked(Conversation conversation) {
    return conversation.blocked ? Future.failedFuture(new WebErrors.BlockedException(conversation.id))
        : Future.succeededFuture();
  }

  private Future<ChatMessage> recordSent(Conversation conversation, SentMessage sent, String text,
      List<ChatAttachment> files, String localId) {
    Optional<ChatMessage> known = history.message(sent.id());
    if (known.isPresent()) {
      return Future.succeededFuture(known.get());
    }
    ChatMessage message = new ChatMessage(sent.id(), conversation.id, true, client.number(), text,
        sent.serverTimestamp(), files, recipients(conversation));
    message.read = true;
    applyEarlyReceipts(message);
    return history.save(message).onSuccess(saved -> {
      events.message(saved, localId);
      events.conversation(conversation);
    });
  }

  /** A group's members, asked of the server when this device has not learned them yet: its ticks count them. */
  private Future<Void> knowMembers(Conversation conversation) {
    if (!conversation.isGroup() || !conversation.members.isEmpty()) {
      return Future.succeededFuture();
    }
    return client.group(conversation.id).compose(this::recordGroup).mapEmpty();
  }

  private void applyEarlyReceipts(ChatMessage message) {
    List<Receipt> early = earlyReceipts.remove(message.id);
    if (early != null) {
      early.forEach(receipt -> message.apply(receipt.kind(), receipt.by()));
    }
  }

  private Set<String> recipients(Conversation conversation) {
    if (!conversation.isGroup()) {
      return Set.of(conversation.id);
    }
    Set<String> others = new LinkedHashSet<>(conversation.members);
    others.remove(client.number());
    return others;
  }

  private Conversation direct(String conversationId) {
    Conversation conversation = conversation(conversationId);
    if (conversation.isGroup()) {
      throw new IllegalArgumentException("a group has no single safety number or block; open a member's chat");
    }
    return conversation;
  }

  private Future<Conversation> conversationFor(IncomingMessage message) {
    return message.group().isPresent() ? groupConversation(message.group().get())
        : directConversation(message.conversation());
  }

  private Future<Conversation> directConversation(String number) {
    Optional<Conversation> known = history.conversation(number);
    if (known.isPresent()) {
      return Future.succeededFuture(known.get());
    }
    Conversation conversation = new Conversation(number, Conversation.Kind.DIRECT, number, List.of());
    return history.save(conversation).onSuccess(saved -> {
      if (connected()) {
        subscribePresence(List.of(number));
      }
    });
  }

  /** The group's chat, made or renamed when the device learned the group's name. */
  private Future<Conversation> groupConversation(String groupId) {
    return client.groupName(groupId).compose(name -> {
      Optional<Conversation> known = history.conversation(groupId);
      if (known.isPresent() && (known.get().title.equals(name) || name.equals(groupId))) {
        return Future.succeededFuture(known.get());
      }
      Conversation conversation = known.orElseGet(() -> new Conversation(groupId, Conversation.Kind.GROUP, name,
          List.of()));
      conversation.title = name;
      return history.save(conversation).onSuccess(events::conversation);
    });
  }

  private Future<GroupInfo> recordGroup(GroupInfo info) {
    return groupConversation(info.id()).compose(conversation -> {
      if (conversation.members.equals(info.members())) {
        return Future.succeededFuture(info);
      }
      conversation.members = info.members();
      return history.save(conversation).onSuccess(events::conversation).map(info);
    });
  }

  private void subscribePresence(List<String> numbers) {
    client.subscribePresence(numbers)
        .onSuccess(states -> states.forEach(this::onPresence))
        .onFailure(err -> log.debug("presence of {} unavailable: {}", numbers, err.toString()));
  }
}
