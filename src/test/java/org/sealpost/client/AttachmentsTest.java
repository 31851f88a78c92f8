package org.sealpost.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;
import static org.sealpost.testing.Await.failure;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.client.proto.AttachmentPointer;
import org.sealpost.testing.CuttingProxy;
import org.sealpost.testing.TestServer;

/** Files sent between SDK clients through a real server: encrypted, uploaded, resumed, checked. */
class AttachmentsTest {
  private static final int MIB = 1024 * 1024;
  @TempDir Path dir;
  private TestServer server;
  private CuttingProxy proxy;
  private Vertx proxyVertx;
  private final List<SealpostClient> clients = new ArrayList<>();

  @AfterEach
  void stop() {
    clients.forEach(client -> await(client.close()));
    if (proxy != null) {
      proxy.close();
      await(proxyVertx.close());
    }
    if (server != null) {
      server.close();
    }
  }

  private SealpostClient register(String name, RecordingListener listener) {
    String number = TestServer.newNumber();
    String session = await(SealpostClient.requestCode(server.clients(), server.httpUri(), number)).getSessionId();
    SealpostClient client = await(SealpostClient.register(server.clients(), dir.resolve(name), server.httpUri(), number,
        session, TestServer.TEST_CODE, name), 30);
    clients.add(client);
    if (listener != null) {
      client.listener(listener);
      await(client.connect(), 30);
    }
    return client;
  }

  private Path file(String name, int size) throws IOException {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return Files.write(dir.resolve(name), bytes);
  }

  @Test
  void fileArrivesEncryptedAndIsSavedByTheRecipient() throws Exception {
    server = new TestServer(dir.resolve("server"));
    RecordingListener bobEvents = new RecordingListener();
    SealpostClient alice = register("alice", null);
    SealpostClient bob = register("bob", bobEvents);
    Path photo = file("holiday.jpg", 700_000);

    await(alice.sendFile(bob.number(), photo, "look"), 60);
    IncomingMessage message = bobEvents.nextMessage();
    AttachmentPointer pointer = message.attachments().get(0);
    Path saved = await(bob.saveAttachment(pointer, dir.resolve("downloads")), 60);

    assertThat(message.text()).isEqualTo("look");
    assertThat(pointer.getFileName()).isEqualTo("holiday.jpg");
    assertThat(pointer.getSize()).isEqualTo(700_000);
    assertThat(saved).isEqualTo(dir.resolve("downloads").resolve("holiday.jpg"));
    assertThat(Files.readAllBytes(saved)).isEqualTo(Files.readAllBytes(photo));
    // the server holds only ciphertext: the file's bytes appear nowhere in its blob
    Path blob = blobOnServer(pointer.getBlobId());
    assertThat(Files.size(blob)).isGreaterThan(700_000);
    assertThat(indexOf(Files.readAllBytes(blob), java.util.Arrays.copyOfRange(Files.readAllBytes(photo), 1000, 1032)))
        .isEqualTo(-1);
  }

  @Test
  void aFileToAGroupIsUploadedOnceAndEveryMemberSavesIt() throws Exception {
    server = new TestServer(dir.resolve("server"));
    RecordingListener aliceEvents = new RecordingListener();
    RecordingListener bobEvents = new RecordingListener();
    RecordingListener carolEvents = new RecordingListener();
    SealpostClient alice = register("alice", aliceEvents);
    SealpostClient bob = register("bob", bobEvents);
    SealpostClient carol = register("carol", carolEvents);
    String group = await(alice.createGroup("Trip", List.of(bob.number(), carol.number()))).id();
    Path plan = file("plan.pdf", 300_000);

    await(alice.sendGroupFile(group, plan, "the plan"), 60);
    IncomingMessage atBob = bobEvents.nextMessage();
    IncomingMessage atCarol = carolEvents.nextMessage();

    for (SealpostClient member : List.of(bob, carol)) {
      IncomingMessage message = member == bob ? atBob : atCarol;
      assertThat(message.group()).contains(group);
      assertThat(message.sender()).isEqualTo(alice.number());
      assertThat(message.text()).isEqualTo("the plan");
      assertThat(message.attachments()).hasSize(1);
      Path saved = await(member.saveAttachment(message.attachments().get(0),
          dir.resolve("downloads-" + member.number())), 60);
      assertThat(Files.readAllBytes(saved)).isEqualTo(Files.readAllBytes(plan));
    }
    assertThat(atBob.attachments().get(0).getBlobId()).as("one upload for the whole group")
        .isEqualTo(atCarol.attachments().get(0).getBlobId());
  }

  @Test
  void tamperedBlobIsRefusedByTheRecipient() throws Exception {
    server = new TestServer(dir.resolve("server"));
    RecordingListener bobEvents = new RecordingListener();
    SealpostClient alice = register("alice", null);
    SealpostClient bob = register("bob", bobEvents);
    await(alice.sendFile(bob.number(), file("contract.pdf", 200_000), ""), 60);
    AttachmentPointer pointer = bobEvents.nextMessage().attachments().get(0);
    Path blob = blobOnServer(pointer.getBlobId());
    byte[] bytes = Files.readAllBytes(blob);
    bytes[100_000] ^= 0x20;
    Files.write(blob, bytes);

    Throwable refused = failure(bob.saveAttachment(pointer, dir.resolve("downloads")));

    assertThat(refused).isInstanceOf(AttachmentIntegrityException.class);
    try (Stream<Path> left = Files.list(dir.resolve("downloads"))) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void uploadAndDownloadResumeAfterTheConnectionIsCut() throws Exception {
    proxyVertx = Vertx.vertx();
    proxy = new CuttingProxy(proxyVertx);
    server = new TestServer(dir.resolve("server"),
        c -> c.withMedia(c.media().withPublicUrl("http://127.0.0.1:" + proxy.port())));
    proxy.forwardTo(server.server().mediaPort());

    RecordingListener bobEvents = new RecordingListener();
    SealpostClient alice = register("alice", null);
    SealpostClient bob = register("bob", bobEvents);
    Path video = file("video.mp4", 12 * MIB);

    proxy.cutUpstreamAfter(5 * MIB);
    await(alice.sendFile(bob.number(), video, ""), 120);
    assertThat(proxy.cuts()).as("the upload was cut").isEqualTo(1);
    long uploaded = proxy.upstreamBytes();
    AttachmentPointer pointer = bobEvents.nextMessage().attachments().get(0);
    long blobSize = Files.size(blobOnServer(pointer.getBlobId()));
    proxy.cutDownstreamAfter(4 * MIB);
    Path saved = await(bob.saveAttachment(pointer, dir.resolve("downloads")), 120);

    assertThat(proxy.cuts()).as("the download was cut too").isEqualTo(2);
    assertThat(Files.readAllBytes(saved)).isEqualTo(Files.readAllBytes(video));
    // resumed, not restarted: what crossed the proxy is about one blob, not one and a half
    assertThat(uploaded).isGreaterThan(blobSize).isLessThan(blobSize + 2 * MIB);
    assertThat(proxy.downstreamBytes()).isGreaterThan(blobSize).isLessThan(blobSize + 2 * MIB);
  }

  private Path blobOnServer(String id) {
    return dir.resolve("server").resolve("media").resolve("blobs")
        .resolve(id.substring(0, 2)).resolve(id).resolve("data");
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
