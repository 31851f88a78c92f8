package org.sealpost.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;

import com.google.protobuf.ByteString;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.streams.ReadStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.errors.ErrorCode;
import org.sealpost.errors.SealpostException;
import org.sealpost.store.proto.BlobRecord;

/** What every {@link BlobStore} guarantees; each backend's test extends this. */
public abstract class BlobStoreContract {
  private static final AtomicInteger IDS = new AtomicInteger();
  @TempDir protected Path dir;
  protected final Vertx vertx = Vertx.vertx();
  protected final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  /** A store over {@code dir}; opening it again on the same directory sees the same blobs. */
  protected abstract BlobStore open(Vertx vertx, Path dir, Clock clock);

  @AfterEach
  void closeVertx() {
    await(vertx.close());
  }

  private static String newId() {
    return String.format("test%028d", IDS.incrementAndGet());
  }

  private BlobRecord pending(String id, byte[] content, boolean withDigest) throws Exception {
    return pending(id, content, withDigest, "+15550001");
  }

  private BlobRecord pending(String id, byte[] content, boolean withDigest, String owner) throws Exception {
    return BlobRecord.newBuilder().setId(id).setOwner(owner).setOwnerDevice(1).setLength(content.length)
        .setSha256(withDigest ? ByteString.copyFrom(MessageDigest.getInstance("SHA-256").digest(content)) : ByteString.EMPTY)
        .setCreatedAt(clock.millis()).setExpiresAt(clock.millis() + Duration.ofDays(1).toMillis()).build();
  }

  private ReadStream<Buffer> stream(byte[] bytes) throws Exception {
    Path source = Files.write(Files.createTempFile(dir, "src", ".bin"), bytes);
    AsyncFile file = await(vertx.fileSystem().open(source.toString(), new OpenOptions().setRead(true)));
    file.pause();
    return file;
  }

  private static byte[] random(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  @Test
  void blobIsVisibleOnlyOnceCompleteAndHoldsTheBytes() throws Exception {
    BlobStore store = open(vertx, dir.resolve("blobs"), clock);
    byte[] content = random(200_000);
    String id = newId();
    await(store.createUpload(pending(id, content, true)));

    long half = await(store.append(id, 0, stream(Arrays.copyOf(content, 80_000))));
    boolean visibleWhileHalf = await(store.blob(id)).isPresent();
    long full = await(store.append(id, half, stream(Arrays.copyOfRange(content, 80_000, content.length))));
    BlobRecord done = await(store.complete(id, clock.millis() + 1000));
    BlobStore.StoredBlob blob = await(store.blob(id)).orElseThrow();

    assertThat(half).isEqualTo(80_000);
    assertThat(visibleWhileHalf).isFalse();
    assertThat(full).isEqualTo(content.length);
    assertThat(done.getComplete()).isTrue();
    assertThat(Files.readAllBytes(blob.data())).isEqualTo(content);
    assertThat(await(store.upload(id))).isEmpty();
  }

  @Test
  void appendAtAnotherOffsetIsAConflictAndChangesNothing() throws Exception {
    BlobStore store = open(vertx, dir.resolve("blobs"), clock);
    String id = newId();
    await(store.createUpload(pending(id, new byte[100], false)));
    await(store.append(id, 0, stream(new byte[40])));

    Throwable stale = Awaits.awaitFailure(store.append(id, 0, stream(new byte[40])));

    assertThat(stale).isInstanceOf(SealpostException.class);
    assertThat(((SealpostException) stale).code()).isEqualTo(ErrorCode.CONFLICT);
    assertThat(await(store.upload(id)).orElseThrow().offset()).isEqualTo(40);
  }

  @Test
  void bytesPastTheDeclaredLengthDiscardTheUpload() throws Exception {
    BlobStore store = open(vertx, dir.resolve("blobs"), clock);
    String id = newId();
    await(store.createUpload(pending(id, new byte[100], false)));

    Throwable tooLarge = Awaits.awaitFailure(store.append(id, 0, stream(new byte[150])));

    assertThat(((SealpostException) tooLarge).code()).isEqualTo(ErrorCode.TOO_LARGE);
    assertThat(await(store.upload(id))).isEmpty();
  }

  @Test
  void digestMismatchDiscardsTheUpload() throws Exception {
    BlobStore store = open(vertx, dir.resolve("blobs"), clock);
    byte[] content = random(5000);
    String id = newId();
    await(store.createUpload(pending(id, content, true)));
    content[10] ^= 1;
    await(store.append(id, 0, stream(content)));

    Throwable refused = Awaits.awaitFailure(store.complete(id, clock.millis() + 1000));

    assertThat(((SealpostException) refused).code()).isEqualTo(ErrorCode.UNPROCESSABLE);
    assertThat(await(store.blob(id))).isEmpty();
    assertThat(await(store.upload(id))).isEmpty();
  }

  @Test
  void uploadOffsetAndBlobsSurviveReopening() throws Exception {
    BlobStore store = open(vertx, dir.resolve("blobs"), clock);
    byte[] content = random(10_000);
    String half = newId();
    String whole = newId();
    await(store.createUpload(pending(half, content, true)));
    await(store.append(half, 0, stream(Arrays.copyOf(content, 4_000))));
    await(store.createUpload(pending(whole, content, true)));
    await(store.append(whole, 0, stream(content)));
    await(store.complete(whole, clock.millis() + 1000));

    BlobStore reopened = open(vertx, dir.resolve("blobs"), clock);

    assertThat(await(reopened.upload(half)).orElseThrow().offset()).isEqualTo(4_000);
    assertThat(await(reopened.blob(half))).isEmpty();
    assertThat(Files.readAllBytes(await(reopened.blob(whole)).orElseThrow().data())).isEqualTo(content);
  }

  @Test
  void sweepDeletesExpiredBlobsAndAbandonedUploadsOnly() throws Exception {
    BlobStore store = open(vertx, dir.resolve("blobs"), clock);
    byte[] content = random(1000);
    String shortLived = newId();
    String longLived = newId();
    String abandoned = newId();
    for (String id : new String[] {shortLived, longLived}) {
      await(store.createUpload(pending(id, content, false)));
      await(store.append(id, 0, stream(content)));
    }
    await(store.complete(shortLived, clock.millis() + Duration.ofHours(1).toMillis()));
    await(store.complete(longLived, clock.millis() + Duration.ofDays(30).toMillis()));
    await(store.createUpload(pending(abandoned, content, false)));

    clock.advance(Duration.ofHours(2));
    boolean expiredStillServed = await(store.blob(shortLived)).isPresent();
    int sweptEarly = await(store.sweep());
    clock.advance(Duration.ofDays(1));
    int sweptLater = await(store.sweep());

    assertThat(expiredStillServed).isFalse();
    assertThat(sweptEarly).isEqualTo(1);
    assertThat(sweptLater).isEqualTo(1);
    assertThat(await(store.blob(longLived))).isPresent();
    assertThat(await(store.upload(abandoned))).isEmpty();
  }

  /** A complete blob of {@code owner} holding {@code content}, expiring {@code lifetime} from now. */
  private String completeBlob(BlobStore store, String owner, byte[] content, Duration lifetime) throws Exception {
    String id = newId();
    await(store.createUpload(pending(id, content, false, owner)));
    await(store.append(id, 0, stream(content)));
    await(store.complete(id, clock.millis() + lifetime.toMillis()));
    return id;
  }

  /** A pending upload of {@code owner} holding the first {@code received} bytes of {@code content}. */
  private String pendingUpload(BlobStore store, String owner, byte[] content, int received) throws Exception {
    String id = newId();
    await(store.createUpload(pending(id, content, false, owner)));
    await(store.append(id, 0, stream(Arrays.copyOf(content, received))));
    return id;
  }

  /** What +15550001 and +15550002 hold: an expired blob, a live one and an unfinished upload; the other a blob and an upload. */
  private record TwoOwners(BlobStore store, byte[] content, String expired, String blob, String upload,
      String othersBlob, String othersUpload) {}

  private TwoOwners twoOwners() throws Exception {
    BlobStore store = open(vertx, dir.resolve("blobs"), clock);
    byte[] content = random(3000);
    String expired = completeBlob(store, "+15550001", content, Duration.ofHours(1));
    clock.advance(Duration.ofHours(2));
    String blob = completeBlob(store, "+15550001", content, Duration.ofDays(30));
    String upload = pendingUpload(store, "+15550001", content, 1000);
    String othersBlob = completeBlob(store, "+15550002", content, Duration.ofDays(30));
    String othersUpload = pendingUpload(store, "+15550002", content, 10);
    return new TwoOwners(store, content, expired, blob, upload, othersBlob, othersUpload);
  }

  @Test
  void ownedByListsTheOwnersLiveBlobsAndPendingUploadsOnly() throws Exception {
    TwoOwners t = twoOwners();

    List<BlobRecord> owned = await(t.store().ownedBy("+15550001"));

    assertThat(owned).extracting(BlobRecord::getId).containsExactlyInAnyOrder(t.blob(), t.upload())
        .doesNotContain(t.expired());
    assertThat(owned).allSatisfy(record -> assertThat(record.getLength()).isEqualTo(t.content().length));
    assertThat(owned).filteredOn(BlobRecord::getComplete).extracting(BlobRecord::getId).containsExactly(t.blob());
    assertThat(await(t.store().ownedBy("+15550002"))).extracting(BlobRecord::getId)
        .containsExactlyInAnyOrder(t.othersBlob(), t.othersUpload());
    assertThat(await(t.store().ownedBy("+15550009"))).isEmpty();
  }

  @Test
  void deleteOwnedByDeletesTheOwnersBlobsAndUploadsAndNothingElse() throws Exception {
    TwoOwners t = twoOwners();

    int deleted = await(t.store().deleteOwnedBy("+15550001"));

    assertThat(deleted).as("the expired blob not swept yet counts too").isEqualTo(3);
    assertThat(await(t.store().blob(t.blob()))).isEmpty();
    assertThat(await(t.store().upload(t.upload()))).isEmpty();
    assertThat(await(t.store().ownedBy("+15550001"))).isEmpty();
    assertThat(await(t.store().sweep())).as("the expired blob " + t.expired() + " was deleted, not left to sweep").isZero();
    assertThat(Files.readAllBytes(await(t.store().blob(t.othersBlob())).orElseThrow().data())).isEqualTo(t.content());
    assertThat(await(t.store().upload(t.othersUpload())).orElseThrow().offset()).isEqualTo(10);
    assertThat(await(t.store().deleteOwnedBy("+15550001"))).isZero();
  }
}
