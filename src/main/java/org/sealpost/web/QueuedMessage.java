package org.sealpost.web;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A text typed while the server could not be reached: kept in the history and sent, in the order
 * typed, once the connection is back. It has no message id until then (the SDK makes one per
 * send), so the page knows it by its {@code localId}. One the server then refused for good keeps
 * its {@code error} until it is sent again or left.
 */
record QueuedMessage(String localId, String conversation, String text, long at, String error) {

  boolean failed() {
    return error != null;
  }

  QueuedMessage failedWith(String why) {
    return new QueuedMessage(localId, conversation, text, at, why);
  }

  /** What the page sees: an outgoing message still waiting, its clock showing. */
  JsonObject toJson(String sender) {
    return new JsonObject().put("localId", localId).put("conversation", conversation).put("outgoing", true)
        .put("sender", sender).put("text", text).put("at", at).put("tick", failed() ? "failed" : "pending")
        .put("queued", true).put("error", error).put("attachments", new JsonArray());
  }

  JsonObject toJournal() {
    return new JsonObject().put("type", "queued").put("localId", localId).put("conversation", conversation)
        .put("text", text).put("at", at).put("error", error);
  }

  static QueuedMessage fromJournal(JsonObject json) {
    return new QueuedMessage(json.getString("localId"), json.getString("conversation"), json.getString("text"),
        json.getLong("at"), json.getString("error"));
  }
}
