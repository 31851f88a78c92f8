package org.sealpost.media;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sealpost.errors.ErrorCode;
import org.sealpost.errors.SealpostException;
import org.sealpost.store.BlobStore;

/**
 * {@code GET}/{@code HEAD /v1/media/{id}}: a blob, to anyone holding its id (the id is an
 * unguessable capability and the bytes are ciphertext, as with WhatsApp's and Signal's CDNs).
 * Blobs never change, so the response is cacheable by any shared cache until the blob expires:
 * {@code Cache-Control: public, max-age=<seconds left>, immutable}, a strong ETag, and single
 * byte ranges (a client resumes a download with {@code Range}, guarded by {@code If-Range}).
 * The bytes go out with zero-copy {@code sendFile}.
 */
final class BlobDownloads {
  static final String BLOBS = "/v1/media";
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

  private final MediaService media;

  BlobDownloads(MediaService media) {
    this.media = media;
  }

  void mount(Router router) {
    router.get(BLOBS + "/:id").handler(this::download);
    router.head(BLOBS + "/:id").handler(this::download);
  }

  private void download(RoutingContext rc) {
    String id = rc.pathParam("id");
    media.blob(id)
        .onSuccess(found -> found.ifPresentOrElse(blob -> send(rc, blob),
            () -> MediaHttp.fail(rc, SealpostException.notFound("no such blob"))))
        .onFailure(err -> MediaHttp.fail(rc, err));
  }

  private void send(RoutingContext rc, BlobStore.StoredBlob blob) {
    long size = blob.record().getLength();
    String etag = "\"" + blob.record().getId() + "\"";
    long maxAge = Math.max(0, (blob.record().getExpiresAt() - media.now()) / 1000);
    HttpServerResponse response = rc.response()
        .putHeader(HttpHeaders.ETAG, etag)
        .putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=" + maxAge + ", immutable")
        .putHeader(HttpHeaders.ACCEPT_RANGES, "bytes");
    String ifNoneMatch = rc.request().getHeader(HttpHeaders.IF_NONE_MATCH);
    if (ifNoneMatch != null && (ifNoneMatch.contains(etag) || ifNoneMatch.trim().equals("*"))) {
      response.setStatusCode(304).end();
      return;
    }
    long start = 0;
    long end = size - 1;
    String range = rc.request().getHeader("Range");
    String ifRange = rc.request().getHeader("If-Range");
    if (range != null && (ifRange == null || ifRange.trim().equals(etag))) {
      Matcher m = RANGE.matcher(range.trim());
      if (m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty())) {
        if (m.group(1).isEmpty()) {
          start = Math.max(0, size - Long.parseLong(m.group(2)));
        } else {
          start = Long.parseLong(m.group(1));
          end = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
        }
        if (start >= size || start > end) {
          response.putHeader(HttpHeaders.CONTENT_RANGE, "bytes */" + size);
          MediaHttp.fail(rc, new SealpostException(ErrorCode.RANGE_NOT_SATISFIABLE, "range outside 0.." + size));
          return;
        }
        response.setStatusCode(206).putHeader(HttpHeaders.CONTENT_RANGE, "bytes " + start + "-" + end + "/" + size);
      }
      // several ranges or a malformed header: the whole blob, as RFC 9110 allows
    }
    long length = end - start + 1;
    response.putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream");
    if (rc.request().method() == HttpMethod.HEAD) {
      response.putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(Math.max(0, length))).end();
      return;
    }
    if (size == 0) {
      response.end();
      return;
    }
    response.sendFile(blob.data().toString(), start, length).onFailure(err -> rc.request().connection().close());
  }
}
