package org.sealpost.media;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import org.sealpost.protocol.DeviceCredentials;

/** A plain HTTP/1.1 client for the media listener, as any TUS client would use it (JDK HttpClient). */
final class Tus {
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
  private final String base;

  Tus(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  static String basic(DeviceCredentials c) {
    String raw = c.getNumber() + "." + c.getDeviceId() + ":" + c.getPassword();
    return "Basic " + Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] sha256(byte[] bytes) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(bytes);
  }

  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
  }

  /** POST /v1/media/uploads; the response (201 with Location on success). */
  HttpResponse<String> create(DeviceCredentials device, long length, byte[] sha256) throws IOException, InterruptedException {
    HttpRequest.Builder request = request(TusUploads.UPLOADS).header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", String.valueOf(length)).POST(BodyPublishers.noBody());
    if (device != null) {
      request.header("Authorization", basic(device));
    }
    if (sha256 != null) {
      request.header("Upload-Metadata", "sha256 " + Base64.getEncoder().encodeToString(sha256));
    }
    return http.send(request.build(), BodyHandlers.ofString());
  }

  /** Creates an upload and returns its id (fails the test otherwise). */
  String createId(DeviceCredentials device, long length, byte[] sha256) throws Exception {
    HttpResponse<String> created = create(device, length, sha256);
    if (created.statusCode() != 201) {
      throw new AssertionError("create: " + created.statusCode() + " " + created.body());
    }
    String location = created.headers().firstValue("Location").orElseThrow();
    return location.substring(location.lastIndexOf('/') + 1);
  }

  HttpResponse<String> patch(DeviceCredentials device, String id, long offset, BodyPublisher body)
      throws IOException, InterruptedException {
    return http.send(request(TusUploads.UPLOADS + "/" + id).header("Tus-Resumable", "1.0.0")
        .header("Authorization", basic(device)).header("Upload-Offset", String.valueOf(offset))
        .header("Content-Type", "application/offset+octet-stream")
        .method("PATCH", body).build(), BodyHandlers.ofString());
  }

  HttpResponse<String> head(DeviceCredentials device, String id) throws IOException, InterruptedException {
    return http.send(request(TusUploads.UPLOADS + "/" + id).header("Tus-Resumable", "1.0.0")
        .header("Authorization", basic(device)).method("HEAD", BodyPublishers.noBody()).build(), BodyHandlers.ofString());
  }

  HttpResponse<byte[]> get(String id, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder request = request(BlobDownloads.BLOBS + "/" + id).GET();
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return http.send(request.build(), BodyHandlers.ofByteArray());
  }

  HttpClient http() {
    return http;
  }
}
