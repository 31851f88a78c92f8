package org.sealpost.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.client.ClientListener;
import org.sealpost.client.IncomingMessage;
import org.sealpost.client.SealpostClient;
import org.sealpost.testing.ServerProcess;
import org.sealpost.testing.TestServer;

/**
 * A 50 MiB file through a server whose JVM has a 64 MiB heap: encrypted and uploaded by one SDK
 * client, downloaded and decrypted by another. A server that held a blob whole in memory (a body
 * handler, a byte array per upload) could not do this twice in a row, let alone with the rest of
 * the node in the same heap.
 */
class MediaBoundedHeapTest {
  private static final int MIB = 1024 * 1024;
  @TempDir Path dir;
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  @Test
  void fiftyMebibyteRoundTripThroughA64MebibyteServerHeap() throws Exception {
    Path file = dir.resolve("big.bin");
    writeRandom(file, 50 * MIB);
    Path serverDir = Files.createDirectories(dir.resolve("server"));
    try (ServerProcess process = new ServerProcess(serverDir, "").maxHeap("64m")) {
      process.start();
      URI api = URI.create("http://127.0.0.1:" + process.httpPort());
      SealpostClient alice = register(api, ServerProcess.number(0), "alice");
      SealpostClient bob = register(api, ServerProcess.number(1), "bob");
      BlockingQueue<IncomingMessage> inbox = new LinkedBlockingQueue<>();
      bob.listener(new ClientListener() {
        @Override
        public io.vertx.core.Future<Void> onMessage(IncomingMessage message) {
          inbox.add(message);
          return io.vertx.core.Future.succeededFuture();
        }
      });
      await(bob.connect(), 30);

      await(alice.sendFile(bob.number(), file, "the big one"), 300);
      await(alice.sendFile(bob.number(), file, "and again"), 300);
      IncomingMessage first = inbox.poll(60, TimeUnit.SECONDS);
      IncomingMessage second = inbox.poll(60, TimeUnit.SECONDS);
      Path saved = await(bob.saveAttachment(first.attachments().get(0), dir.resolve("downloads")), 300);
      Path savedAgain = await(bob.saveAttachment(second.attachments().get(0), dir.resolve("downloads")), 300);

      assertThat(sha256(saved)).isEqualTo(sha256(file));
      assertThat(sha256(savedAgain)).isEqualTo(sha256(file));
      assertThat(Files.readString(process.log())).doesNotContain("OutOfMemoryError");
      await(alice.close());
      await(bob.close());
    }
  }

  private SealpostClient register(URI api, String number, String name) {
    String session = await(SealpostClient.requestCode(vertx, api, number)).getSessionId();
    return await(SealpostClient.register(vertx, dir.resolve(name), api, number, session, TestServer.TEST_CODE, name), 60);
  }

  private static void writeRandom(Path file, int size) throws IOException {
    Random random = new Random(42);
    byte[] chunk = new byte[MIB];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int i = 0; i < size / MIB; i++) {
        random.nextBytes(chunk);
        out.write(chunk);
      }
    }
  }

  private static byte[] sha256(Path file) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (var in = Files.newInputStream(file)) {
      byte[] buffer = new byte[MIB];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
      }
    }
    return digest.digest();
  }
}
