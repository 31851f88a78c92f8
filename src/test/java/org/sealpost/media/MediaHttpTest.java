package org.sealpost.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;

import com.google.protobuf.Empty;
import io.vertx.core.http.HttpMethod;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.config.SealpostConfig;
import org.sealpost.limits.Limit;
import org.sealpost.limits.RateLimitConfig;
import org.sealpost.limits.RateLimiters;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.MediaEndpoint;
import org.sealpost.testing.Await;
import org.sealpost.testing.TestServer;

/** The media listener over real sockets: TUS uploads, downloads, limits, resume, expiry. */
class MediaHttpTest {
  private static final int MIB = 1024 * 1024;
  @TempDir Path dataDir;
  private TestServer server;

  private TestServer start(java.util.function.UnaryOperator<SealpostConfig> customize) {
    server = new TestServer(dataDir, customize);
    return server;
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private Tus tus() {
    return new Tus(server.server().mediaPort());
  }

  private static byte[] random(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  @Test
  void uploadedBlobIsDownloadableByIdWithCacheHeaders() throws Exception {
    start(c -> c);
    DeviceCredentials alice = server.register();
    byte[] blob = random(300_000);
    Tus tus = tus();

    String id = tus.createId(alice, blob.length, Tus.sha256(blob));
    HttpResponse<String> done = tus.patch(alice, id, 0, BodyPublishers.ofByteArray(blob));
    HttpResponse<byte[]> download = tus.get(id);
    HttpResponse<byte[]> revalidated = tus.get(id, "If-None-Match", download.headers().firstValue("ETag").orElseThrow());
    HttpResponse<String> head = tus.http().send(tus.request(BlobDownloads.BLOBS + "/" + id)
        .method("HEAD", BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(done.statusCode()).isEqualTo(204);
    assertThat(done.headers().firstValue("Upload-Offset")).hasValue(String.valueOf(blob.length));
    assertThat(id).hasSize(32);
    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(download.body()).isEqualTo(blob);
    assertThat(download.headers().firstValue("Cache-Control").orElseThrow())
        .startsWith("public, max-age=").endsWith(", immutable");
    long maxAge = Long.parseLong(download.headers().firstValue("Cache-Control").orElseThrow().split("max-age=")[1].split(",")[0]);
    assertThat(maxAge).isBetween(Duration.ofDays(30).toSeconds() - 60, Duration.ofDays(30).toSeconds());
    assertThat(download.headers().firstValue("ETag")).hasValue("\"" + id + "\"");
    assertThat(revalidated.statusCode()).isEqualTo(304);
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("Content-Length")).hasValue(String.valueOf(blob.length));
    assertThat(head.body()).isEmpty();
  }

  @Test
  void blobIsInvisibleUntilEveryByteArrivedAndUploadIdsAreUnguessable() throws Exception {
    start(c -> c);
    DeviceCredentials alice = server.register();
    byte[] blob = random(100_000);
    Tus tus = tus();

    String id = tus.createId(alice, blob.length, null);
    String other = tus.createId(alice, blob.length, null);
    tus.patch(alice, id, 0, BodyPublishers.ofByteArray(Arrays.copyOf(blob, 60_000)));

    assertThat(tus.get(id).statusCode()).isEqualTo(404);
    assertThat(tus.head(alice, id).headers().firstValue("Upload-Offset")).hasValue("60000");
    assertThat(id).isNotEqualTo(other).matches("[A-Za-z0-9_-]{32}");
  }

  @Test
  void creationWithUploadStoresTheBlobInOneRequest() throws Exception {
    start(c -> c);
    DeviceCredentials alice = server.register();
    byte[] blob = random(200_000);
    Tus tus = tus();

    HttpResponse<String> created = tus.http().send(tus.request(TusUploads.UPLOADS)
        .header("Tus-Resumable", "1.0.0").header("Authorization", Tus.basic(alice))
        .header("Upload-Length", String.valueOf(blob.length))
        .header("Content-Type", "application/offset+octet-stream")
        .POST(BodyPublishers.ofByteArray(blob)).build(), HttpResponse.BodyHandlers.ofString());
    String location = created.headers().firstValue("Location").orElseThrow();

    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.headers().firstValue("Upload-Offset")).hasValue(String.valueOf(blob.length));
    assertThat(tus.get(location.substring(location.lastIndexOf('/') + 1)).body()).isEqualTo(blob);
  }

  @Test
  void rangeRequestsServeTheAskedBytes() throws Exception {
    start(c -> c);
    DeviceCredentials alice = server.register();
    byte[] blob = random(10_000);
    Tus tus = tus();
    String id = tus.createId(alice, blob.length, null);
    tus.patch(alice, id, 0, BodyPublishers.ofByteArray(blob));

    HttpResponse<byte[]> middle = tus.get(id, "Range", "bytes=1000-1999");
    HttpResponse<byte[]> tail = tus.get(id, "Range", "bytes=-100");
    HttpResponse<byte[]> rest = tus.get(id, "Range", "bytes=9990-", "If-Range", "\"" + id + "\"");
    HttpResponse<byte[]> staleIfRange = tus.get(id, "Range", "bytes=9990-", "If-Range", "\"other\"");
    HttpResponse<byte[]> outside = tus.get(id, "Range", "bytes=10000-");

    assertThat(middle.statusCode()).isEqualTo(206);
    assertThat(middle.body()).isEqualTo(Arrays.copyOfRange(blob, 1000, 2000));
    assertThat(middle.headers().firstValue("Content-Range")).hasValue("bytes 1000-1999/10000");
    assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(blob, 9900, 10000));
    assertThat(rest.statusCode()).isEqualTo(206);
    assertThat(rest.body()).isEqualTo(Arrays.copyOfRange(blob, 9990, 10000));
    assertThat(staleIfRange.statusCode()).isEqualTo(200);
    assertThat(staleIfRange.body()).isEqualTo(blob);
    assertThat(outside.statusCode()).isEqualTo(416);
    assertThat(outside.headers().firstValue("Content-Range")).hasValue("bytes */10000");
  }

  @Test
  void uploadsNeedTheDevicesCredentials() throws Exception {
    start(c -> c);
    DeviceCredentials alice = server.register();
    DeviceCredentials bob = server.register();
    Tus tus = tus();
    String id = tus.createId(alice, 10, null);

    HttpResponse<String> anonymous = tus.create(null, 10, null);
    HttpResponse<String> wrongPassword = tus.create(alice.toBuilder().setPassword("nope").build(), 10, null);
    HttpResponse<String> someoneElses = tus.patch(bob, id, 0, BodyPublishers.ofByteArray(new byte[10]));

    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.body()).contains("UNAUTHORIZED");
    assertThat(wrongPassword.statusCode()).isEqualTo(401);
    assertThat(someoneElses.statusCode()).isEqualTo(404);
  }

  @Test
  void oversizedUploadIsRefusedFromItsHeadersWithoutReadingTheBody() throws Exception {
    start(c -> c.withMedia(c.media().withMaxBlobBytes(MIB)));
    DeviceCredentials alice = server.register();
    String headers = "POST /v1/media/uploads HTTP/1.1\r\nHost: 127.0.0.1\r\nTus-Resumable: 1.0.0\r\n"
        + "Authorization: " + Tus.basic(alice) + "\r\nUpload-Length: " + (2 * MIB) + "\r\n"
        + "Content-Type: application/offset+octet-stream\r\nContent-Length: " + (2 * MIB) + "\r\n"
        + "Expect: 100-continue\r\n\r\n";

    try (Socket socket = new Socket("127.0.0.1", server.server().mediaPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(headers.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      String response = readToEnd(socket.getInputStream());

      assertThat(response).startsWith("HTTP/1.1 413").doesNotContain("100 Continue");
      assertThat(response.toLowerCase()).contains("connection: close");
      assertThat(response).contains("TOO_LARGE");
    }
    // nothing was stored, and a well-sized upload still works
    assertThat(tus().createId(alice, MIB, null)).isNotEmpty();
  }

  @Test
  void patchLongerThanTheUploadIsRefusedBeforeItsBody() throws Exception {
    start(c -> c);
    DeviceCredentials alice = server.register();
    String id = tus().createId(alice, 1000, null);
    String headers = "PATCH /v1/media/uploads/" + id + " HTTP/1.1\r\nHost: 127.0.0.1\r\nTus-Resumable: 1.0.0\r\n"
        + "Authorization: " + Tus.basic(alice) + "\r\nUpload-Offset: 0\r\n"
        + "Content-Type: application/offset+octet-stream\r\nContent-Length: 5000\r\n\r\n";

    try (Socket socket = new Socket("127.0.0.1", server.server().mediaPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(headers.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();

      assertThat(readToEnd(socket.getInputStream())).startsWith("HTTP/1.1 413");
    }
    assertThat(tus().head(alice, id).headers().firstValue("Upload-Offset")).hasValue("0");
  }

  @Test
  void patchToAnUploadBusyOnAnotherRequestIsRefusedBeforeContinue() throws Exception {
    start(c -> c);
    DeviceCredentials alice = server.register();
    Tus tus = tus();
    String id = tus.createId(alice, 2 * MIB, null);
    String patch = "PATCH /v1/media/uploads/" + id + " HTTP/1.1\r\nHost: 127.0.0.1\r\nTus-Resumable: 1.0.0\r\n"
        + "Authorization: " + Tus.basic(alice) + "\r\nUpload-Offset: 0\r\n"
        + "Content-Type: application/offset+octet-stream\r\nContent-Length: " + 2 * MIB + "\r\n";

    try (Socket first = new Socket("127.0.0.1", server.server().mediaPort());
        Socket second = new Socket("127.0.0.1", server.server().mediaPort())) {
      first.getOutputStream().write((patch + "\r\n").getBytes(StandardCharsets.US_ASCII));
      first.getOutputStream().write(new byte[MIB]);
      first.getOutputStream().flush();
      Await.until("the first PATCH is being stored", Duration.ofSeconds(10),
          () -> Long.parseLong(tus.head(alice, id).headers().firstValue("Upload-Offset").orElseThrow()) > 0);

      second.setSoTimeout(10_000);
      second.getOutputStream().write((patch + "Expect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      second.getOutputStream().flush();
      String response = readToEnd(second.getInputStream());

      assertThat(response).startsWith("HTTP/1.1 409").doesNotContain("100 Continue");
      assertThat(response).contains("receiving bytes on another request");
    }
  }

  @Test
  void interruptedUploadContinuesFromTheByteTheServerHas() throws Exception {
    start(c -> c);
    DeviceCredentials alice = server.register();
    byte[] blob = random(16 * MIB);
    Tus tus = tus();
    String id = tus.createId(alice, blob.length, Tus.sha256(blob));

    // the connection is cut after 6 MiB of a 16 MiB PATCH
    try (Socket socket = new Socket("127.0.0.1", server.server().mediaPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(("PATCH /v1/media/uploads/" + id + " HTTP/1.1\r\nHost: 127.0.0.1\r\nTus-Resumable: 1.0.0\r\n"
          + "Authorization: " + Tus.basic(alice) + "\r\nUpload-Offset: 0\r\n"
          + "Content-Type: application/offset+octet-stream\r\nContent-Length: " + blob.length + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.write(blob, 0, 6 * MIB);
      out.flush();
    }

    long resumedAt = resume(tus, alice, id, blob);

    assertThat(resumedAt).isGreaterThan(0).isLessThanOrEqualTo(6L * MIB);
    HttpResponse<byte[]> download = tus.get(id);
    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(download.body()).isEqualTo(blob);
  }

  /**
   * What a TUS client does after a cut: HEAD for the offset, PATCH the rest. While the server has
   * not yet seen the old connection end, the upload answers 409 and closes the connection with
   * the body unread; the client may see that as a cut (an IOException) and asks again.
   */
  private static long resume(Tus tus, DeviceCredentials device, String id, byte[] blob) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      long offset = Long.parseLong(tus.head(device, id).headers().firstValue("Upload-Offset").orElseThrow());
      try {
        HttpResponse<String> patched = tus.patch(device, id, offset,
            BodyPublishers.ofByteArray(blob, (int) offset, blob.length - (int) offset));
        if (patched.statusCode() == 204) {
          return offset;
        }
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(409);
      } catch (IOException refusedMidBody) {
        // the 409 closed the connection while the body was still being sent
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("upload still busy after 30 s");
      }
    }
  }

  @Test
  void wrongOffsetIsAConflict() throws Exception {
    start(c -> c);
    DeviceCredentials alice = server.register();
    Tus tus = tus();
    String id = tus.createId(alice, 100, null);
    tus.patch(alice, id, 0, BodyPublishers.ofByteArray(new byte[40]));

    HttpResponse<String> stale = tus.patch(alice, id, 0, BodyPublishers.ofByteArray(new byte[40]));

    assertThat(stale.statusCode()).isEqualTo(409);
    assertThat(stale.body()).contains("Upload-Offset is 40");
  }

  @Test
  void ciphertextNotMatchingItsDeclaredDigestIsRefused() throws Exception {
    start(c -> c);
    DeviceCredentials alice = server.register();
    byte[] blob = random(50_000);
    byte[] digest = Tus.sha256(blob);
    blob[123] ^= 1;
    Tus tus = tus();
    String id = tus.createId(alice, blob.length, digest);

    HttpResponse<String> done = tus.patch(alice, id, 0, BodyPublishers.ofByteArray(blob));

    assertThat(done.statusCode()).isEqualTo(422);
    assertThat(tus.get(id).statusCode()).isEqualTo(404);
    assertThat(tus.head(alice, id).statusCode()).isEqualTo(404);
  }

  @Test
  void uploadQuotaAndRateLimitPerAccount() throws Exception {
    start(c -> {
      Map<String, RateLimitConfig> limits = new java.util.HashMap<>(RateLimiters.unlimited());
      limits.put(Limit.MEDIA_UPLOAD_MEBIBYTES_PER_ACCOUNT.id(), new RateLimitConfig(3, Duration.ofHours(1)));
      return c.withLimits(limits);
    });
    DeviceCredentials alice = server.register();
    DeviceCredentials bob = server.register();
    Tus tus = tus();

    HttpResponse<String> first = tus.create(alice, 2 * MIB, null);
    HttpResponse<String> overQuota = tus.create(alice, 2 * MIB, null);
    HttpResponse<String> otherAccount = tus.create(bob, 2 * MIB, null);

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(overQuota.statusCode()).isEqualTo(429);
    assertThat(overQuota.headers().firstValue("Retry-After")).isPresent();
    assertThat(otherAccount.statusCode()).isEqualTo(201);
  }

  @Test
  void expiredBlobsAndAbandonedUploadsAreSwept() throws Exception {
    start(c -> c.withMedia(c.media().withRetention(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofMillis(100))));
    DeviceCredentials alice = server.register();
    Tus tus = tus();
    String id = tus.createId(alice, 1000, null);
    tus.patch(alice, id, 0, BodyPublishers.ofByteArray(new byte[1000]));
    String abandoned = tus.createId(alice, 1000, null);
    Path media = dataDir.resolve("media");
    assertThat(Files.exists(media.resolve("blobs").resolve(id.substring(0, 2)).resolve(id).resolve("data"))).isTrue();

    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (countFiles(media.resolve("blobs")) + countFiles(media.resolve("uploads")) > 0) {
      assertThat(System.nanoTime()).as("blobs swept within 20 s").isLessThan(deadline);
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }

    assertThat(tus.get(id).statusCode()).isEqualTo(404);
    assertThat(tus.head(alice, abandoned).statusCode()).isEqualTo(404);
  }

  @Test
  void apiTellsClientsWhereToUpload() {
    start(c -> c.withMedia(c.media().withPublicUrl("https://media.example.com")));
    DeviceCredentials alice = server.register();

    MediaEndpoint endpoint = await(server.rest().call(HttpMethod.GET, "/v1/media/endpoint", alice,
        Empty.getDefaultInstance(), MediaEndpoint.parser()));

    assertThat(endpoint.getPort()).isEqualTo(server.server().mediaPort());
    assertThat(endpoint.getUrl()).isEqualTo("https://media.example.com");
    assertThat(endpoint.getMaxBlobBytes()).isEqualTo(100L * MIB);
    assertThat(endpoint.getTtlMs()).isEqualTo(Duration.ofDays(30).toMillis());
  }

  /** Files under dir; a walk that races with the sweeper's deletion counts as "not yet". */
  private static long countFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).count();
    } catch (java.io.UncheckedIOException racing) {
      return 1;
    }
  }

  private static String readToEnd(InputStream in) throws IOException {
    StringBuilder text = new StringBuilder();
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1));
    char[] buffer = new char[4096];
    for (int n = reader.read(buffer); n >= 0; n = reader.read(buffer)) {
      text.append(buffer, 0, n);
    }
    return text.toString();
  }
}
