package org.sealpost.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import org.sealpost.client.proto.AttachmentPointer;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.MediaEndpoint;

/**
 * Sending and saving files: encrypt to a temporary blob, upload it, describe it in an
 * {@link AttachmentPointer} (which travels inside the E2EE message); and the reverse. The
 * cryptography and file copying run on worker threads; transfers resume after broken
 * connections ({@link MediaClient}).
 */
final class Attachments {
  private final Vertx vertx;
  private final ServerApi api;
  private final URI server;
  private final DeviceCredentials credentials;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private Future<MediaClient> media;
  private MediaClient opened;

  Attachments(Vertx vertx, ServerApi api, URI server, DeviceCredentials credentials, Clock clock) {
    this.vertx = vertx;
    this.api = api;
    this.server = server;
    this.credentials = credentials;
    this.clock = clock;
  }

  /** Encrypts and uploads {@code file}; the pointer to put in a message. */
  Future<AttachmentPointer> upload(Path file, String contentType) {
    return endpoint().compose(endpoint -> encrypt(file).compose(prepared -> transfer(prepared, endpoint, file, contentType)
        .eventually(() -> vertx.executeBlocking(() -> Files.deleteIfExists(prepared.blob()), false))));
  }

  private Future<Prepared> encrypt(Path file) {
    return vertx.executeBlocking(() -> {
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("not a file: " + file);
      }
      Path blob = Files.createTempFile("sealpost-upload-", ".blob");
      try {
        return new Prepared(blob, AttachmentCipher.encrypt(file, blob, random));
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(blob);
        throw e;
      }
    }, false);
  }

  private Future<AttachmentPointer> transfer(Prepared prepared, MediaEndpoint endpoint, Path file, String contentType) {
    AttachmentCipher.Encrypted encrypted = prepared.encrypted();
    if (encrypted.blobSize() > endpoint.getMaxBlobBytes()) {
      return Future.failedFuture(new IllegalArgumentException(file.getFileName() + " is too large: the server takes up to "
          + endpoint.getMaxBlobBytes() + " bytes"));
    }
    return client()
        .compose(mediaClient -> mediaClient.upload(prepared.blob(), encrypted.blobSize(), encrypted.digest()))
        .map(id -> AttachmentPointer.newBuilder()
            .setBlobId(id)
            .setKey(ByteString.copyFrom(encrypted.key()))
            .setDigest(ByteString.copyFrom(encrypted.digest()))
            .setSize(encrypted.plaintextSize())
            .setContentType(contentType)
            .setFileName(file.getFileName().toString())
            .setUploadedAt(clock.millis())
            .build());
  }

  private record Prepared(Path blob, AttachmentCipher.Encrypted encrypted) {}

  /**
   * Downloads, checks and decrypts the attachment into {@code directory} under its file name
   * (made unique); the saved file. A blob that was altered fails with
   * {@link AttachmentIntegrityException} and leaves nothing in the directory.
   */
  Future<Path> save(AttachmentPointer pointer, Path directory) {
    Path partial = directory.resolve(".sealpost-" + safeId(pointer.getBlobId()) + ".part");
    return vertx.executeBlocking(() -> Files.createDirectories(directory), false)
        .compose(dir -> client())
        .compose(mediaClient -> mediaClient.download(pointer.getBlobId(), partial))
        .compose(downloaded -> vertx.executeBlocking(() -> {
          Path plain = directory.resolve(".sealpost-" + safeId(pointer.getBlobId()) + ".plain");
          try {
            AttachmentCipher.decrypt(partial, plain, pointer.getKey().toByteArray(), pointer.getDigest().toByteArray(),
                pointer.getSize());
            Path target = unique(directory, fileName(pointer));
            Files.move(plain, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
          } finally {
            Files.deleteIfExists(plain);
            Files.deleteIfExists(partial);
          }
        }, false));
  }

  Future<Void> close() {
    return opened == null ? Future.succeededFuture() : opened.close();
  }

  private Future<MediaEndpoint> endpoint() {
    return api.call("GET", "/v1/media/endpoint", Empty.getDefaultInstance(), MediaEndpoint.parser());
  }

  private Future<MediaClient> client() {
    if (media == null) {
      media = endpoint().map(endpoint -> {
        URI base = endpoint.getUrl().isEmpty()
            ? URI.create("http://" + server.getHost() + ":" + endpoint.getPort())
            : URI.create(endpoint.getUrl());
        opened = new MediaClient(vertx, base, credentials);
        return opened;
      });
      media.onFailure(err -> media = null);
    }
    return media;
  }

  /** The sender's file name, reduced to a harmless last path segment. */
  static String fileName(AttachmentPointer pointer) {
    String name = pointer.getFileName().replace('\\', '/');
    name = name.substring(name.lastIndexOf('/') + 1).replaceAll("[\\x00-\\x1f]", "").replaceFirst("^\\.+", "").trim();
    return name.isEmpty() ? "attachment-" + safeId(pointer.getBlobId()) : name;
  }

  private static String safeId(String id) {
    return id.replaceAll("[^A-Za-z0-9_-]", "");
  }

  /** {@code name}, or {@code name (2)}, {@code name (3)}, ... the first that does not exist yet. */
  private static Path unique(Path directory, String name) {
    Path candidate = directory.resolve(name);
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    String extension = dot > 0 ? name.substring(dot) : "";
    for (int i = 2; Files.exists(candidate); i++) {
      candidate = directory.resolve(stem + " (" + i + ")" + extension);
    }
    return candidate;
  }
}
