package org.sealpost.client;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.ErrorBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The media listener's HTTP protocol: TUS 1.0 uploads and ranged downloads, both resumable.
 * Files stream from and to disk through Vert.x's {@link AsyncFile}; nothing is held whole in
 * memory. An upload whose connection breaks asks the server how much it has ({@code HEAD}) and
 * sends the rest; a download that breaks continues with {@code Range} from the bytes on disk.
 * Each gives up after {@link #ATTEMPTS} attempts in a row without progress.
 */
public final class MediaClient {
  private static final Logger log = LoggerFactory.getLogger(MediaClient.class);
  static final int ATTEMPTS = 5;
  private static final String UPLOADS = "/v1/media/uploads";

  private final Vertx vertx;
  private final HttpClient http;
  private final String host;
  private final int port;
  private final boolean tls;
  private final String authorization;

  /** {@code base}: the media listener, e.g. {@code http://127.0.0.1:8081}. */
  public MediaClient(Vertx vertx, URI base, DeviceCredentials credentials) {
    this.vertx = vertx;
    this.tls = "https".equalsIgnoreCase(base.getScheme());
    this.host = base.getHost();
    this.port = base.getPort() > 0 ? base.getPort() : (tls ? 443 : 80);
    this.http = vertx.createHttpClient(new HttpClientOptions().setSsl(tls).setIdleTimeout(120));
    String basic = credentials.getNumber() + "." + credentials.getDeviceId() + ":" + credentials.getPassword();
    this.authorization = "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8));
  }

  /** Uploads {@code file} (declaring its SHA-256 for the server to check); the blob id. */
  public Future<String> upload(Path file, long length, byte[] sha256) {
    RequestOptions create = options(HttpMethod.POST, UPLOADS)
        .putHeader("Upload-Length", String.valueOf(length))
        .putHeader("Upload-Metadata", "sha256 " + Base64.getEncoder().encodeToString(sha256));
    return http.request(create)
        .compose(request -> request.send().compose(response -> expect(response, 201)))
        .compose(response -> {
          String location = response.getHeader("Location");
          String id = location.substring(location.lastIndexOf('/') + 1);
          long offset = Long.parseLong(response.getHeader("Upload-Offset"));
          return sendFrom(file, id, offset, length, 0).map(id);
        });
  }

  /** PATCHes from {@code offset}; on a failure, asks for the server's offset and goes on. */
  private Future<Void> sendFrom(Path file, String id, long offset, long length, int failures) {
    if (offset >= length) {
      return Future.succeededFuture();
    }
    return patch(file, id, offset, length)
        .compose(next -> sendFrom(file, id, next, length, next > offset ? 0 : failures + 1))
        .recover(err -> {
          if (failures + 1 >= ATTEMPTS || err instanceof RequestFailedException refused && !isRetryable(refused)) {
            return Future.failedFuture(err);
          }
          log.debug("upload {} interrupted at or after {} ({}); resuming", id, offset, err.toString());
          return after(backoff(failures))
              .compose(v -> serverOffset(id))
              .compose(have -> sendFrom(file, id, have, length, have > offset ? 0 : failures + 1));
        });
  }

  private Future<Long> patch(Path file, String id, long offset, long length) {
    return vertx.fileSystem().open(file.toString(), new OpenOptions().setRead(true).setWrite(false))
        .compose(source -> {
          source.setReadPos(offset).setReadLength(length - offset).setReadBufferSize(64 * 1024);
          RequestOptions patch = options(HttpMethod.PATCH, UPLOADS + "/" + id)
              .putHeader("Upload-Offset", String.valueOf(offset))
              .putHeader("Content-Type", "application/offset+octet-stream")
              .putHeader("Content-Length", String.valueOf(length - offset));
          return http.request(patch)
              .compose(request -> request.send(source).compose(response -> expect(response, 204)))
              .map(response -> Long.parseLong(response.getHeader("Upload-Offset")))
              .eventually(source::close);
        });
  }

  private Future<Long> serverOffset(String id) {
    return http.request(options(HttpMethod.HEAD, UPLOADS + "/" + id))
        .compose(request -> request.send().compose(response -> expect(response, 200)))
        .map(response -> Long.parseLong(response.getHeader("Upload-Offset")));
  }

  /**
   * Downloads the blob into {@code target}. Bytes already in {@code target} (from an earlier,
   * interrupted call) are kept and only the rest is fetched, if the blob is still the same.
   */
  public Future<Void> download(String id, Path target) {
    return downloadFrom(id, target, 0);
  }

  private Future<Void> downloadFrom(String id, Path target, int failures) {
    return vertx.fileSystem().exists(target.toString())
        .compose(exists -> exists ? vertx.fileSystem().props(target.toString()).map(p -> p.size()) : Future.succeededFuture(0L))
        .compose(have -> fetch(id, target, have))
        .recover(err -> {
          if (failures + 1 >= ATTEMPTS || err instanceof RequestFailedException refused && !isRetryable(refused)) {
            return Future.failedFuture(err);
          }
          log.debug("download {} interrupted ({}); resuming", id, err.toString());
          return after(backoff(failures)).compose(v -> downloadFrom(id, target, failures + 1));
        });
  }

  /** One GET from byte {@code have}: 206 appends to the file, 200 (the blob changed) rewrites it. */
  private Future<Void> fetch(String id, Path target, long have) {
    RequestOptions get = options(HttpMethod.GET, "/v1/media/" + id);
    if (have > 0) {
      get.putHeader("Range", "bytes=" + have + "-").putHeader("If-Range", "\"" + id + "\"");
    }
    return http.request(get).compose(request -> request.send().compose(response -> {
          if (response.statusCode() == 416 && have > 0) {
            return response.body().mapEmpty();
          }
          if (response.statusCode() != 200 && response.statusCode() != 206) {
            return expect(response, 200).mapEmpty();
          }
          boolean whole = response.statusCode() == 200;
          response.pause();
          OpenOptions open = new OpenOptions().setWrite(true).setCreate(true).setTruncateExisting(whole);
          return vertx.fileSystem().open(target.toString(), open)
              .compose(file -> {
                file.setWritePos(whole ? 0 : have);
                return response.pipeTo(file);  // ends (closes) the file either way
              });
        }));
  }

  private RequestOptions options(HttpMethod method, String path) {
    return new RequestOptions().setMethod(method).setHost(host).setPort(port).setURI(path)
        .putHeader("Tus-Resumable", "1.0.0").putHeader("Authorization", authorization);
  }

  /**
   * The response if it has the expected status; else its error body as a {@link RequestFailedException}.
   * Called in the callback of the request's send: a body asked for later may miss the response's end.
   */
  private static Future<HttpClientResponse> expect(HttpClientResponse response, int status) {
    if (response.statusCode() == status) {
      return response.body().map(ignored -> response);
    }
    return response.body().compose(bytes -> {
      ErrorBody.Builder error = ErrorBody.newBuilder().setMessage(bytes.toString(StandardCharsets.UTF_8));
      try {
        com.google.protobuf.util.JsonFormat.parser().ignoringUnknownFields().merge(bytes.toString(StandardCharsets.UTF_8), error);
      } catch (com.google.protobuf.InvalidProtocolBufferException | RuntimeException notJson) {
        // keep the raw text as the message
      }
      return Future.failedFuture(new RequestFailedException(response.statusCode(), error.build()));
    });
  }

  /** 409 (the server still sees the broken request), 429 and 5xx are worth another try. */
  private static boolean isRetryable(RequestFailedException e) {
    return e.status() == 409 || e.status() == 429 || e.status() >= 500;
  }

  private static Duration backoff(int failures) {
    return Duration.ofMillis(Math.min(5_000, 200L << Math.min(failures, 5)));
  }

  private Future<Void> after(Duration delay) {
    Promise<Void> promise = Promise.promise();
    vertx.setTimer(Math.max(1, delay.toMillis()), id -> promise.complete());
    return promise.future();
  }

  public Future<Void> close() {
    return http.close();
  }
}
