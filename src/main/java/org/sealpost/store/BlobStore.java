package org.sealpost.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.sealpost.store.proto.BlobRecord;

/**
 * Opaque media blobs (client-encrypted attachments) and the uploads that make them.
 *
 * <p>An upload is created with its declared length, receives bytes at its current offset (the
 * offset survives a cut connection and a restart: it is what the store holds), and completes
 * once it holds the declared length: the digest, when one was declared, is checked, and only
 * then does the blob become visible, all at once. A reader never sees a partial blob, even
 * after a crash at any point. Blobs and unfinished uploads expire; {@link #sweep} deletes them.
 */
public interface BlobStore {

  /** A pending upload and the bytes it holds so far. */
  record Upload(BlobRecord record, long offset) {
    public boolean isFull() {
      return offset == record.getLength();
    }
  }

  /** A complete blob: its record and the file holding its bytes. */
  record StoredBlob(BlobRecord record, Path data) {}

  /** Creates an upload for {@code pending} (id not used before; {@code complete} false), durably. */
  Future<Void> createUpload(BlobRecord pending);

  /** The pending upload with this id, unless unknown, completed, or abandoned (expired). */
  Future<Optional<Upload>> upload(String id);

  /**
   * Writes {@code bytes} (a paused stream; resumed here) at {@code offset}, which must be the
   * upload's current offset (else CONFLICT; so is a second append to the same upload while one
   * runs). Bytes past the declared length discard the upload (TOO_LARGE). When the stream breaks,
   * the bytes received so far are kept, synced, and count as the new offset. Completes with the
   * offset after the append, once those bytes are on disk.
   */
  Future<Long> append(String id, long offset, ReadStream<Buffer> bytes);

  /**
   * Makes a full upload a blob that expires at {@code expiresAt}: checks the declared digest
   * (mismatch: UNPROCESSABLE, and the upload is discarded), then publishes bytes and record
   * together. Completing a completed upload returns its blob's record.
   */
  Future<BlobRecord> complete(String id, long expiresAt);

  /** Discards an unfinished upload; true when there was one. */
  Future<Boolean> deleteUpload(String id);

  /** The complete, unexpired blob with this id. */
  Future<Optional<StoredBlob>> blob(String id);

  /**
   * The records of every complete, unexpired blob and every pending upload (as {@link #upload}
   * returns them) whose owner is {@code number}: sizes and dates for the account's data export.
   * Reads every record in the store, so it is for rare account-level operations only.
   */
  Future<List<BlobRecord>> ownedBy(String number);

  /**
   * Deletes every blob and unfinished upload whose owner is {@code number}, expired ones not swept
   * yet included: the account is being deleted. Blobs of other owners stay. Returns how many were
   * deleted. Reads every record in the store, like {@link #ownedBy}.
   */
  Future<Integer> deleteOwnedBy(String number);

  /** Deletes blobs and unfinished uploads whose expiry is at or before now; how many were deleted. */
  Future<Integer> sweep();
}
