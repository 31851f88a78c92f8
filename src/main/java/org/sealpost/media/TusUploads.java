package org.sealpost.media;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import org.sealpost.api.DeviceKey;
import org.sealpost.errors.ErrorCode;
import org.sealpost.errors.SealpostException;
import org.sealpost.store.proto.BlobRecord;

/**
 * Resumable uploads, TUS 1.0.0 core protocol with the creation, creation-with-upload,
 * expiration and termination extensions (https://tus.io/protocols/resumable-upload). The upload
 * URL's last segment is the blob id. The SHA-256 of the ciphertext may be declared at creation
 * as {@code Upload-Metadata: sha256 <base64 of the 32 bytes>}; it is checked when the last byte
 * arrives, and a mismatch discards the upload (422).
 *
 * <p>Every check that needs only headers (version, sizes, credentials, limits) runs before a
 * byte of the body is read; the request stays paused until then, and {@code 100 Continue} is
 * sent only when the store starts reading the body ({@link RequestBody}).
 */
final class TusUploads {
  static final String UPLOADS = "/v1/media/uploads";
  private static final String OFFSET_STREAM = "application/offset+octet-stream";
  private static final String EXTENSIONS = "creation,creation-with-upload,expiration,termination";

  private final MediaService media;

  TusUploads(MediaService media) {
    this.media = media;
  }

  void mount(Router router) {
    router.options(UPLOADS).handler(this::options);
    router.post(UPLOADS).handler(this::create);
    router.head(UPLOADS + "/:id").handler(this::offset);
    router.patch(UPLOADS + "/:id").handler(this::append);
    router.delete(UPLOADS + "/:id").handler(this::terminate);
  }

  private void options(RoutingContext rc) {
    rc.response().setStatusCode(204)
        .putHeader(MediaHttp.TUS_RESUMABLE, MediaHttp.TUS_VERSION)
        .putHeader("Tus-Version", MediaHttp.TUS_VERSION)
        .putHeader("Tus-Extension", EXTENSIONS)
        .putHeader("Tus-Max-Size", String.valueOf(media.config().maxBlobBytes()))
        .end();
  }

  /** POST: creates the upload; a body (creation-with-upload) is its first bytes. */
  private void create(RoutingContext rc) {
    HttpServerRequest request = rc.request();
    request.pause();
    long length;
    long declared;
    byte[] sha256;
    try {
      checkVersion(request);
      length = MediaHttp.number(request, "Upload-Length");
      if (length < 0) {
        throw SealpostException.badRequest("Upload-Length is required (Upload-Defer-Length is not supported)");
      }
      media.checkSize(length);
      declared = MediaHttp.number(request, HttpHeaders.CONTENT_LENGTH);
      if (declared > length) {
        throw SealpostException.tooLarge("the body is longer than Upload-Length");
      }
      if (hasBody(request, declared)) {
        checkContentType(request);
      }
      sha256 = sha256(request.getHeader("Upload-Metadata"));
    } catch (SealpostException e) {
      MediaHttp.fail(rc, e);
      return;
    }
    authenticate(rc)
        .compose(device -> media.create(device, length, sha256)
            .compose(upload -> {
              String id = upload.record().getId();
              if (!hasBody(request, declared) || upload.isFull()) {
                return Future.succeededFuture(new Created(upload.record(), upload.offset()));
              }
              return media.append(device, id, 0, declared, new RequestBody(request)).map(offset -> new Created(upload.record(), offset));
            }))
        .onSuccess(created -> rc.response().setStatusCode(201)
            .putHeader(MediaHttp.TUS_RESUMABLE, MediaHttp.TUS_VERSION)
            .putHeader(HttpHeaders.LOCATION, UPLOADS + "/" + created.record().getId())
            .putHeader("Upload-Offset", String.valueOf(created.offset()))
            .putHeader("Upload-Expires", httpDate(created.record().getExpiresAt()))
            .end())
        .onFailure(err -> MediaHttp.fail(rc, err));
  }

  /** HEAD: how many bytes the server has. */
  private void offset(RoutingContext rc) {
    try {
      checkVersion(rc.request());
    } catch (SealpostException e) {
      MediaHttp.fail(rc, e);
      return;
    }
    authenticate(rc)
        .compose(device -> media.upload(device, rc.pathParam("id")))
        .onSuccess(upload -> rc.response().setStatusCode(200)
            .putHeader(MediaHttp.TUS_RESUMABLE, MediaHttp.TUS_VERSION)
            .putHeader("Upload-Offset", String.valueOf(upload.offset()))
            .putHeader("Upload-Length", String.valueOf(upload.record().getLength()))
            .putHeader("Upload-Expires", httpDate(upload.record().getExpiresAt()))
            .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
            .end())
        .onFailure(err -> MediaHttp.fail(rc, err));
  }

  /** PATCH: bytes at Upload-Offset; 204 with the new offset once they are on disk. */
  private void append(RoutingContext rc) {
    HttpServerRequest request = rc.request();
    request.pause();
    long offset;
    long declared;
    try {
      checkVersion(request);
      checkContentType(request);
      offset = MediaHttp.number(request, "Upload-Offset");
      if (offset < 0) {
        throw SealpostException.badRequest("Upload-Offset is required");
      }
      declared = MediaHttp.number(request, HttpHeaders.CONTENT_LENGTH);
      media.checkSize(Math.max(0, declared));
    } catch (SealpostException e) {
      MediaHttp.fail(rc, e);
      return;
    }
    String id = rc.pathParam("id");
    authenticate(rc)
        .compose(device -> media.append(device, id, offset, declared, new RequestBody(request)))
        .onSuccess(newOffset -> rc.response().setStatusCode(204)
            .putHeader(MediaHttp.TUS_RESUMABLE, MediaHttp.TUS_VERSION)
            .putHeader("Upload-Offset", String.valueOf(newOffset))
            .end())
        .onFailure(err -> MediaHttp.fail(rc, err));
  }

  /** DELETE (termination): abandons an unfinished upload. */
  private void terminate(RoutingContext rc) {
    authenticate(rc)
        .compose(device -> media.abandon(device, rc.pathParam("id")))
        .onSuccess(v -> rc.response().setStatusCode(204).putHeader(MediaHttp.TUS_RESUMABLE, MediaHttp.TUS_VERSION).end())
        .onFailure(err -> MediaHttp.fail(rc, err));
  }

  private Future<DeviceKey> authenticate(RoutingContext rc) {
    String clientIp = rc.request().remoteAddress() == null ? "unknown" : rc.request().remoteAddress().hostAddress();
    return media.authenticate(rc.request().getHeader(HttpHeaders.AUTHORIZATION), clientIp);
  }

  private static void checkVersion(HttpServerRequest request) {
    String version = request.getHeader(MediaHttp.TUS_RESUMABLE);
    if (!MediaHttp.TUS_VERSION.equals(version)) {
      throw new SealpostException(ErrorCode.PRECONDITION_FAILED, "Tus-Resumable: " + MediaHttp.TUS_VERSION + " required");
    }
  }

  private static void checkContentType(HttpServerRequest request) {
    String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null || !type.startsWith(OFFSET_STREAM)) {
      throw new SealpostException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be " + OFFSET_STREAM);
    }
  }

  private static boolean hasBody(HttpServerRequest request, long declared) {
    return declared > 0 || declared < 0 && request.headers().contains(HttpHeaders.TRANSFER_ENCODING, "chunked", true);
  }

  /** The {@code sha256} entry of TUS Upload-Metadata ("key base64value,key2 value2"); null when absent. */
  static byte[] sha256(String metadata) {
    if (metadata == null || metadata.isBlank()) {
      return null;
    }
    for (String pair : metadata.split(",")) {
      String[] parts = pair.trim().split(" ", 2);
      if (parts[0].equals("sha256")) {
        try {
          return Base64.getDecoder().decode(parts.length > 1 ? parts[1].trim() : "");
        } catch (IllegalArgumentException e) {
          throw SealpostException.badRequest("Upload-Metadata sha256 must be base64");
        }
      }
    }
    return null;
  }

  private static String httpDate(long millis) {
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.ofEpochMilli(millis).atOffset(ZoneOffset.UTC));
  }

  private record Created(BlobRecord record, long offset) {}
}
