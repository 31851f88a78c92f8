package org.sealpost.web;

import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.Set;
import org.sealpost.client.Presence;

/**
 * The open pages, each on its WebSocket, and what the web client tells them: new and changed
 * messages and conversations, typing, presence, the connection to the server and warnings.
 * Pages only listen here; they act through the HTTP routes. Used on the web client's context.
 */
final class LiveEvents {
  private final Set<ServerWebSocket> pages = new LinkedHashSet<>();

  /** {@code me} is who this is and whether the server is reachable, sent first. */
  void add(ServerWebSocket page, JsonObject me) {
    pages.add(page);
    page.closeHandler(v -> pages.remove(page));
    page.exceptionHandler(err -> page.close());
    // Pages send nothing; a frame from one is ignored rather than buffered.
    page.handler(ignored -> { });
    page.writeTextMessage(new JsonObject().put("type", "hello").put("me", me).encode());
  }

  void message(ChatMessage message, String localId) {
    publish(new JsonObject().put("type", "message").put("message", message.toJson(localId)));
  }

  void conversation(Conversation conversation) {
    publish(new JsonObject().put("type", "conversation").put("conversation", conversation.toJson()));
  }

  void typing(String conversation, String sender, boolean composing) {
    publish(new JsonObject().put("type", "typing").put("conversation", conversation).put("sender", sender)
        .put("composing", composing));
  }

  void presence(Presence presence) {
    publish(new JsonObject().put("type", "presence").put("number", presence.number()).put("online", presence.online())
        .put("lastSeen", presence.lastSeen()).put("at", presence.serverTimestamp()));
  }

  void connection(boolean connected) {
    publish(new JsonObject().put("type", "connection").put("connected", connected));
  }

  void identityChanged(String number) {
    publish(new JsonObject().put("type", "identity").put("number", number));
  }

  /** A queued text the server refused for good; the page shows it failed, with its error. */
  void unsent(QueuedMessage message) {
    publish(new JsonObject().put("type", "unsent").put("localId", message.localId())
        .put("conversation", message.conversation()).put("text", message.text()).put("at", message.at())
        .put("error", message.error()));
  }

  /** A refused queued text was deleted (on this page or another): gone from every page. */
  void dismissed(QueuedMessage message) {
    publish(new JsonObject().put("type", "dismissed").put("localId", message.localId())
        .put("conversation", message.conversation()));
  }

  void alert(String text) {
    publish(new JsonObject().put("type", "alert").put("text", text));
  }

  int pages() {
    return pages.size();
  }

  void closeAll() {
    Set.copyOf(pages).forEach(ServerWebSocket::close);
  }

  private void publish(JsonObject event) {
    String frame = event.encode();
    for (ServerWebSocket page : pages) {
      if (!page.writeQueueFull()) {
        page.writeTextMessage(frame);
      } else {
        // A page that stopped reading is closed; it reloads everything when it reconnects.
        page.close();
      }
    }
  }
}
