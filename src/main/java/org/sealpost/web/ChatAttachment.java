package org.sealpost.web;

import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.Optional;
import org.sealpost.client.proto.AttachmentPointer;

/**
 * A file of a message as the page lists it. An incoming one keeps its pointer (key and digest) so
 * it can be fetched when first opened; after that, and for a file this device sent, {@code localFile}
 * names the plaintext copy in the state directory ({@code web/files/...}, relative to it).
 */
record ChatAttachment(int index, String fileName, String contentType, long size, Optional<AttachmentPointer> pointer,
    Optional<String> localFile) {

  static ChatAttachment received(int index, AttachmentPointer pointer) {
    String name = pointer.getFileName().isEmpty() ? "file" : pointer.getFileName();
    return new ChatAttachment(index, name, pointer.getContentType(), pointer.getSize(), Optional.of(pointer),
        Optional.empty());
  }

  ChatAttachment savedAs(String file) {
    return new ChatAttachment(index, fileName, contentType, size, pointer, Optional.of(file));
  }

  /** What the page sees: no key, no path. */
  JsonObject toJson() {
    return new JsonObject().put("index", index).put("fileName", fileName).put("contentType", contentType)
        .put("size", size);
  }

  JsonObject toJournal() {
    JsonObject json = toJson();
    pointer.ifPresent(p -> json.put("pointer", Base64.getEncoder().encodeToString(p.toByteArray())));
    localFile.ifPresent(file -> json.put("localFile", file));
    return json;
  }

  static ChatAttachment fromJournal(JsonObject json) {
    Optional<AttachmentPointer> pointer = Optional.ofNullable(json.getString("pointer")).map(encoded -> {
      try {
        return AttachmentPointer.parseFrom(Base64.getDecoder().decode(encoded));
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new IllegalArgumentException("a stored attachment pointer does not parse", e);
      }
    });
    return new ChatAttachment(json.getInteger("index"), json.getString("fileName"), json.getString("contentType"),
        json.getLong("size"), pointer, Optional.ofNullable(json.getString("localFile")));
  }
}
