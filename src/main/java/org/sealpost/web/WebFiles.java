package org.sealpost.web;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plaintext files of the web client, under {@code web/files} of the state directory: each
 * file the page uploads to send, and each received file once opened. Uploads stream to disk,
 * never whole into memory.
 */
final class WebFiles {
  private static final Logger log = LoggerFactory.getLogger(WebFiles.class);
  static final String DIRECTORY = "web/files";
  /** Largest file the page may send; the server's media limit may be lower, and then says so. */
  static final long MAX_UPLOAD_BYTES = 100L * 1024 * 1024;

  private final Vertx vertx;
  private final Path root;
  private final SecureRandom random = new SecureRandom();

  WebFiles(Vertx vertx, Path state) {
    this.vertx = vertx;
    this.root = state.resolve(DIRECTORY);
  }

  /** Streams the request's body into a new file named {@code fileName} (its last path segment only). */
  Future<Path> receive(RoutingContext ctx, String fileName) {
    HttpServerRequest request = ctx.request();
    request.pause();
    String length = request.getHeader("Content-Length");
    if (length == null || !length.matches("[0-9]{1,12}")) {
      return Future.failedFuture(new IllegalArgumentException("send the file with its Content-Length"));
    }
    if (Long.parseLong(length) > MAX_UPLOAD_BYTES) {
      return Future.failedFuture(new IllegalArgumentException("a file may have at most "
          + MAX_UPLOAD_BYTES / (1024 * 1024) + " MiB"));
    }
    String name = safeName(fileName);
    byte[] id = new byte[8];
    random.nextBytes(id);
    Path file = root.resolve("out-" + HexFormat.of().formatHex(id)).resolve(name);
    return vertx.fileSystem().mkdirs(file.getParent().toString())
        .compose(v -> vertx.fileSystem().open(file.toString(), new OpenOptions().setCreateNew(true).setWrite(true)))
        .compose(out -> request.pipeTo(out))
        .map(file);
  }

  /** Sends {@code file} as a download named {@code fileName}. */
  static Future<Void> serve(RoutingContext ctx, Path file, String fileName, String contentType) {
    String encoded = URLEncoder.encode(fileName, StandardCharsets.UTF_8).replace("+", "%20");
    ctx.response()
        .putHeader("Content-Type", contentType == null || contentType.isBlank() ? "application/octet-stream"
            : contentType)
        .putHeader("Content-Disposition", "attachment; filename=\"" + asciiName(fileName) + "\"; filename*=UTF-8''"
            + encoded);
    return ctx.response().sendFile(file.toString());
  }

  /** The last segment of a name the browser gave, with nothing a file system would read as a path. */
  static String safeName(String fileName) {
    String name = fileName == null ? "" : fileName.replace('\\', '/');
    name = name.substring(name.lastIndexOf('/') + 1).replaceAll("[\\x00-\\x1f]", "").strip();
    if (name.isEmpty() || name.equals(".") || name.equals("..")) {
      return "file";
    }
    return name.length() > 200 ? name.substring(name.length() - 200) : name;
  }

  private static String asciiName(String fileName) {
    return safeName(fileName).replaceAll("[^\\x20-\\x7e]|\"", "_");
  }

  /** Deletes an upload whose send failed, with its directory; the page offers to send it again from the browser. */
  void discard(Path upload) {
    vertx.fileSystem().deleteRecursive(upload.getParent().toString())
        .onFailure(err -> log.warn("cannot delete the unsent upload {}: {}", upload, err.toString()));
  }
}
