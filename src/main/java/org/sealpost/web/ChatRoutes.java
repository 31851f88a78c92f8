package org.sealpost.web;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.sealpost.client.MessageId;

/**
 * The web client's HTTP face: the page's three files, the JSON API of docs/web.md, and the
 * WebSocket of live events. Every request passes {@link LocalAccess} first.
 */
final class ChatRoutes {
  private static final int JSON_BODY_LIMIT = 64 * 1024;

  private final WebMessenger messenger;
  private final LiveEvents events;
  private final WebFiles files;

  private ChatRoutes(WebMessenger messenger, LiveEvents events, WebFiles files) {
    this.messenger = messenger;
    this.events = events;
    this.files = files;
  }

  static Router router(Vertx vertx, LocalAccess access, WebAssets assets, WebMessenger messenger, LiveEvents events,
      WebFiles files) {
    ChatRoutes routes = new ChatRoutes(messenger, events, files);
    Router router = Router.router(vertx);
    router.route().handler(access::checkSite);
    router.get("/").handler(assets::serve);
    router.get("/app.css").handler(assets::serve);
    router.get("/app.js").handler(assets::serve);

    router.route("/api/*").handler(access::checkToken);
    router.get("/api/events").handler(routes::openEvents);
    // Before the body handler: a file streams to disk.
    router.post("/api/conversations/:id/files").handler(routes::sendFile);
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(JSON_BODY_LIMIT));

    router.get("/api/me").handler(ctx -> json(ctx, messenger.me()));
    router.get("/api/conversations").handler(ctx -> json(ctx, conversations(messenger.conversations())));
    router.post("/api/conversations").handler(ctx -> answer(ctx,
        () -> messenger.startChat(body(ctx).getString("number")).map(Conversation::toJson)));
    router.get("/api/conversations/:id/messages").handler(ctx -> answer(ctx,
        () -> Future.succeededFuture(messenger.messagesJson(id(ctx)))));
    router.post("/api/conversations/:id/messages").handler(ctx -> answer(ctx, () -> {
      JsonObject body = body(ctx);
      return messenger.send(id(ctx), body.getString("text"), body.getString("localId"));
    }));
    router.delete("/api/conversations/:id/unsent/:localId").handler(ctx -> answer(ctx,
        () -> messenger.dismiss(id(ctx), ctx.pathParam("localId"))));
    router.get("/api/conversations/:id/messages/:message/attachments/:index").handler(routes::download);
    router.post("/api/conversations/:id/read").handler(ctx -> answer(ctx,
        () -> messenger.read(id(ctx)).map(Conversation::toJson)));
    router.post("/api/conversations/:id/typing").handler(ctx -> answer(ctx,
        () -> messenger.typing(id(ctx), body(ctx).getBoolean("composing", false)).map(new JsonObject())));
    router.get("/api/conversations/:id/safety").handler(ctx -> answer(ctx, () -> messenger.safety(id(ctx))));
    router.post("/api/conversations/:id/trust").handler(ctx -> answer(ctx,
        () -> messenger.trust(id(ctx)).map(trusted -> new JsonObject().put("trusted", trusted))));
    router.post("/api/conversations/:id/block").handler(ctx -> answer(ctx,
        () -> messenger.block(id(ctx), true).map(Conversation::toJson)));
    router.post("/api/conversations/:id/unblock").handler(ctx -> answer(ctx,
        () -> messenger.block(id(ctx), false).map(Conversation::toJson)));
    router.post("/api/groups").handler(ctx -> answer(ctx, () -> {
      JsonObject body = body(ctx);
      return messenger.createGroup(body.getString("name"), strings(body.getJsonArray("members")))
          .map(Conversation::toJson);
    }));
    router.get("/api/groups/:id").handler(ctx -> answer(ctx, () -> messenger.group(id(ctx))));
    router.post("/api/groups/:id/members").handler(ctx -> answer(ctx,
        () -> messenger.addMembers(id(ctx), strings(body(ctx).getJsonArray("members")))));
    router.delete("/api/groups/:id/members/:number").handler(ctx -> answer(ctx,
        () -> messenger.removeMember(id(ctx), ctx.pathParam("number"))));
    router.route("/api/*").handler(ctx -> WebErrors.end(ctx, 404, "not_found", "no such API route"));
    router.route().handler(ctx -> WebErrors.end(ctx, 404, "not_found", "no such page"));
    return router;
  }

  private void openEvents(RoutingContext ctx) {
    ctx.request().toWebSocket().onSuccess(page -> events.add(page, messenger.me()))
        .onFailure(err -> WebErrors.fail(ctx, err));
  }

  private void sendFile(RoutingContext ctx) {
    String name = ctx.request().getParam("name");
    String type = ctx.request().getHeader("Content-Type");
    String localId = ctx.request().getParam("localId");
    answer(ctx, () -> {
      messenger.conversation(id(ctx)); // an unknown chat is refused before the upload
      return files.receive(ctx, name)
          .compose(upload -> messenger.sendFile(id(ctx), upload, WebFiles.safeName(name),
              type == null ? "application/octet-stream" : type, ctx.request().getParam("caption"), localId)
              .onFailure(err -> files.discard(upload)));
    });
  }

  private void download(RoutingContext ctx) {
    MessageId id;
    int index;
    try {
      id = MessageId.fromHex(ctx.pathParam("message"));
      index = Integer.parseInt(ctx.pathParam("index"));
    } catch (IllegalArgumentException e) {
      WebErrors.end(ctx, 400, "bad_request", "not a message id and file index");
      return;
    }
    Future<ChatAttachment> attachment;
    try {
      attachment = messenger.attachment(id(ctx), id, index);
    } catch (RuntimeException e) {
      WebErrors.fail(ctx, e);
      return;
    }
    attachment.compose(file -> WebFiles.serve(ctx, messenger.resolve(file), file.fileName(), file.contentType()))
        .onFailure(err -> WebErrors.fail(ctx, err));
  }

  /** Runs {@code work} and answers with its JSON, or the error it failed with. */
  private static void answer(RoutingContext ctx, java.util.function.Supplier<Future<?>> work) {
    Future<?> result;
    try {
      result = work.get();
    } catch (RuntimeException e) {
      WebErrors.fail(ctx, e);
      return;
    }
    result.onSuccess(value -> json(ctx, value)).onFailure(err -> WebErrors.fail(ctx, err));
  }

  private static void json(RoutingContext ctx, Object value) {
    if (ctx.response().ended()) {
      return;
    }
    String body = value instanceof JsonObject object ? object.encode()
        : value instanceof JsonArray array ? array.encode() : new JsonObject().encode();
    ctx.response().putHeader("Content-Type", "application/json").end(body);
  }

  private static String id(RoutingContext ctx) {
    return ctx.pathParam("id");
  }

  private static JsonObject body(RoutingContext ctx) {
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body == null) {
        throw new IllegalArgumentException("send a JSON object");
      }
      return body;
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("the body is not a JSON object");
    }
  }

  private static JsonArray conversations(Collection<Conversation> all) {
    JsonArray array = new JsonArray();
    all.forEach(conversation -> array.add(conversation.toJson()));
    return array;
  }

  private static List<String> strings(JsonArray array) {
    List<String> out = new ArrayList<>();
    if (array != null) {
      array.forEach(value -> out.add(String.valueOf(value)));
    }
    return out;
  }
}
