package org.sealpost.media;

import com.google.protobuf.ByteString;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;
import org.sealpost.api.Authenticator;
import org.sealpost.api.BasicAuth;
import org.sealpost.api.DeviceKey;
import org.sealpost.config.MediaConfig;
import org.sealpost.errors.SealpostException;
import org.sealpost.limits.Limit;
import org.sealpost.limits.RateLimiters;
import org.sealpost.protocol.MediaEndpoint;
import org.sealpost.store.BlobStore;
import org.sealpost.store.proto.BlobRecord;

/**
 * Media uploads and downloads as plain logic over a {@link BlobStore}: who may upload how much,
 * the ids, the expiries. The bytes are opaque (client-encrypted); nothing here looks inside.
 */
public final class MediaService {
  /** 192 random bits: a blob id is the capability to download it, so it must not be guessable. */
  static final int ID_BYTES = 24;
  private static final long MIB = 1024 * 1024;
  private static final int SHA256_BYTES = 32;

  private final MediaConfig config;
  private final BlobStore blobs;
  private final Authenticator accounts;
  private final RateLimiters limits;
  private final Clock clock;
  private final SecureRandom random;

  public MediaService(MediaConfig config, BlobStore blobs, Authenticator accounts, RateLimiters limits, Clock clock,
      SecureRandom random) {
    this.config = config;
    this.blobs = blobs;
    this.accounts = accounts;
    this.limits = limits;
    this.clock = clock;
    this.random = random;
  }

  MediaConfig config() {
    return config;
  }

  /** The device's Basic credentials, checked exactly as the REST API checks them. */
  Future<DeviceKey> authenticate(String authorization, String clientIp) {
    return BasicAuth.authenticate(accounts, authorization, clientIp);
  }

  /** Refuses a declared size over the limit before anything is read or stored. */
  void checkSize(long length) {
    if (length < 0) {
      throw SealpostException.badRequest("Upload-Length must be >= 0");
    }
    if (length > config.maxBlobBytes()) {
      throw SealpostException.tooLarge("a blob may have at most " + config.maxBlobBytes() + " bytes");
    }
  }

  /**
   * Starts an upload of {@code length} bytes for the device's account, after its rate limit and
   * quota (MiB of uploads, see {@link Limit#MEDIA_UPLOAD_MEBIBYTES_PER_ACCOUNT}).
   *
   * @param sha256 the ciphertext's SHA-256, checked before the blob becomes visible; null: unchecked
   */
  public Future<BlobStore.Upload> create(DeviceKey device, long length, byte[] sha256) {
    try {
      checkSize(length);
      if (sha256 != null && sha256.length != SHA256_BYTES) {
        throw SealpostException.badRequest("sha256 must be 32 bytes");
      }
    } catch (SealpostException e) {
      return Future.failedFuture(e);
    }
    int mebibytes = (int) Math.max(1, (length + MIB - 1) / MIB);
    long now = clock.millis();
    BlobRecord pending = BlobRecord.newBuilder()
        .setId(newId())
        .setOwner(device.number())
        .setOwnerDevice(device.deviceId())
        .setLength(length)
        .setSha256(sha256 == null ? ByteString.EMPTY : ByteString.copyFrom(sha256))
        .setCreatedAt(now)
        .setExpiresAt(now + config.uploadTtl().toMillis())
        .build();
    return limits.check(Limit.MEDIA_UPLOADS_PER_ACCOUNT, device.number())
        .compose(v -> limits.check(Limit.MEDIA_UPLOAD_MEBIBYTES_PER_ACCOUNT, device.number(), mebibytes))
        .compose(v -> blobs.createUpload(pending))
        .compose(v -> length == 0
            ? blobs.complete(pending.getId(), expiry()).map(done -> new BlobStore.Upload(done, 0))
            : Future.succeededFuture(new BlobStore.Upload(pending, 0)));
  }

  /** The device's account's pending upload (NOT_FOUND for anyone else's: ids are not confirmed to strangers). */
  public Future<BlobStore.Upload> upload(DeviceKey device, String id) {
    return state(id).map(found -> found
        .filter(upload -> upload.record().getOwner().equals(device.number()))
        .orElseThrow(() -> SealpostException.notFound("no such upload")));
  }

  /**
   * The upload, or for one that already completed its blob as a full upload: a client whose
   * last answer was lost learns that the server has every byte.
   */
  private Future<Optional<BlobStore.Upload>> state(String id) {
    return blobs.upload(id).compose(pending -> pending.isPresent()
        ? Future.succeededFuture(pending)
        : blobs.blob(id).map(blob -> blob.map(b -> new BlobStore.Upload(b.record(), b.record().getLength()))));
  }

  /**
   * Appends {@code bytes} (a paused stream) at {@code offset}; when the upload is then full, it
   * becomes a blob (digest checked). {@code declared} is the request's Content-Length (-1 when
   * unknown): more than the upload has room for is refused before a byte is read.
   */
  public Future<Long> append(DeviceKey device, String id, long offset, long declared, ReadStream<Buffer> bytes) {
    return upload(device, id)
        .compose(upload -> {
          long room = upload.record().getLength() - offset;
          if (declared > room && offset <= upload.record().getLength()) {
            return Future.failedFuture(SealpostException.tooLarge("the upload has room for " + room + " more bytes"));
          }
          return upload.isFull() && offset == upload.offset()
              ? Future.succeededFuture(upload.offset())
              : blobs.append(id, offset, bytes);
        })
        .compose(newOffset -> state(id).compose(now -> now.isPresent() && now.get().isFull()
            ? blobs.complete(id, expiry()).map(newOffset)
            : Future.succeededFuture(newOffset)));
  }

  /** Abandons the device's account's unfinished upload. */
  public Future<Void> abandon(DeviceKey device, String id) {
    return upload(device, id).compose(upload -> blobs.deleteUpload(id)).mapEmpty();
  }

  /** A complete, unexpired blob; anyone holding the id may read it (it is ciphertext). */
  public Future<Optional<BlobStore.StoredBlob>> blob(String id) {
    return blobs.blob(id);
  }

  /** Deletes expired blobs and abandoned uploads. */
  public Future<Integer> sweep() {
    return blobs.sweep();
  }

  /** Where clients upload, for {@code GET /v1/media/endpoint}. */
  public MediaEndpoint endpoint(int port) {
    return MediaEndpoint.newBuilder()
        .setUrl(config.publicUrl())
        .setPort(port)
        .setMaxBlobBytes(config.maxBlobBytes())
        .setTtlMs(config.ttl().toMillis())
        .build();
  }

  long now() {
    return clock.millis();
  }

  private long expiry() {
    return clock.millis() + config.ttl().toMillis();
  }

  private String newId() {
    byte[] bytes = new byte[ID_BYTES];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
