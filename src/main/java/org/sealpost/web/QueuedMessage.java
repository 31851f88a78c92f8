package org.sealpost.web;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.sealpost.client.MessageId;

/**
 * A text typed while the server could not be reached: kept in the history and sent, in the order
 * typed, once the connection is back. The page knows it by its {@code localId}. It keeps the
 * message id of the send that could not tell whether the server stored it, and goes out again
 * under that id: the server stores it once, however many tries it took. One the server then
 * refused for good keeps its {@code error} until it is sent again or left.
 */
record QueuedMessage(String localId, MessageId id, String conversation, String text, long at, String error) {

  boolean failed() {
    return error != null;
  }

  QueuedMessage failedWith(String why) {
    return new QueuedMessage(localId, id, conversation, text, at, why);
  }

  /** What the page sees: an outgoing message still waiting, its clock showing. */
  JsonObject toJson(String sender) {
    return new JsonObject().put("localId", localId).put("conversation", conversation).put("outgoing", true)
        .put("sender", sender).put("text", text).put("at", at).put("tick", failed() ? "failed" : "pending")
        .put("queued", true).put("error", error).put("attachments", new JsonArray());
  }

  JsonObject toJournal() {
    return new JsonObject().put("type", "queued").put("localId", localId).put("id", id.hex())
        .put("conversation", conversation).put("text", text).put("at", at).put("error", error);
  }

  static QueuedMessage fromJournal(JsonObject json) {
    // Records written before the id was kept get one now: their first send went out under another.
    String id = json.getString("id");
    return new QueuedMessage(json.getString("localId"), id == null ? MessageId.random() : MessageId.fromHex(id),
        json.getString("conversation"), json.getString("text"), json.getLong("at"), json.getString("error"));
  }
}
