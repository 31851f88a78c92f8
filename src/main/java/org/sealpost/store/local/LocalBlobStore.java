package org.sealpost.store.local;

import com.google.protobuf.InvalidProtocolBufferException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.streams.ReadStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.sealpost.errors.ErrorCode;
import org.sealpost.errors.SealpostException;
import org.sealpost.store.BlobStore;
import org.sealpost.store.proto.BlobRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blobs in a directory, the default store; nodes of a cluster can share the directory.
 *
 * <pre>
 *   uploads/ID/data     bytes received so far (the upload's offset is this file's length)
 *   uploads/ID/meta     BlobRecord of the pending upload
 *   blobs/AB/ID/data    a complete blob (AB = the id's first two characters)
 *   blobs/AB/ID/meta    its BlobRecord (complete, with its expiry)
 *   trash/              blobs being deleted
 * </pre>
 *
 * <p>Why it is crash-safe: a blob is visible only as a directory under {@code blobs/}, and it
 * gets there by one atomic rename of its whole upload directory, after its data was synced and
 * its completed record written (temp file, fsync, rename). A crash before that rename leaves a
 * pending upload (completing it again just redoes the rename); a crash after it leaves a
 * complete blob. Deletion renames the directory into {@code trash/} first, so a half-deleted
 * blob is never visible either.
 *
 * <p>Threads: appends stream through Vert.x's {@link AsyncFile}; every other file operation
 * (record files, fsync, renames, hashing, sweeping) runs on a worker thread, never on an event
 * loop. One append at a time per upload on this node ({@link #appending}); across nodes, the
 * offset check refuses a client that lost track.
 */
public final class LocalBlobStore implements BlobStore {
  private static final Logger log = LoggerFactory.getLogger(LocalBlobStore.class);
  /** Ids are made by the service; anything else never reaches the file system. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{16,64}");
  private static final String DATA = "data";
  private static final String META = "meta";

  private final Vertx vertx;
  private final Path uploads;
  private final Path blobs;
  private final Path trash;
  private final Clock clock;
  private final Set<String> appending = ConcurrentHashMap.newKeySet();

  private LocalBlobStore(Vertx vertx, Path root, Clock clock) {
    this.vertx = vertx;
    this.uploads = root.resolve("uploads");
    this.blobs = root.resolve("blobs");
    this.trash = root.resolve("trash");
    this.clock = clock;
  }

  /** Opens (creating) the store in {@code root}. Blocks on the file system: call it from a worker. */
  public static LocalBlobStore open(Vertx vertx, Path root, Clock clock) {
    LocalBlobStore store = new LocalBlobStore(vertx, root, clock);
    try {
      Files.createDirectories(store.uploads);
      Files.createDirectories(store.blobs);
      Files.createDirectories(store.trash);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the blob directory " + root, e);
    }
    return store;
  }

  public static boolean isValidId(String id) {
    return id != null && ID.matcher(id).matches();
  }

  @Override
  public Future<Void> createUpload(BlobRecord pending) {
    String id = pending.getId();
    if (!isValidId(id) || pending.getComplete()) {
      return Future.failedFuture(new IllegalArgumentException("not a pending upload with a valid id"));
    }
    return blocking(() -> {
      Path dir = uploads.resolve(id);
      Files.createDirectory(dir);
      Files.createFile(dir.resolve(DATA));
      writeRecord(dir, pending);
      DurableFiles.syncDirectory(uploads);
      return null;
    });
  }

  @Override
  public Future<Optional<Upload>> upload(String id) {
    if (!isValidId(id)) {
      return Future.succeededFuture(Optional.empty());
    }
    return blocking(() -> readUpload(id));
  }

  private Optional<Upload> readUpload(String id) throws IOException {
    Path dir = uploads.resolve(id);
    Optional<BlobRecord> record = readRecord(dir);
    if (record.isEmpty() || !record.get().getComplete() && record.get().getExpiresAt() <= clock.millis()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Upload(record.get(), Files.size(dir.resolve(DATA))));
    } catch (NoSuchFileException gone) {
      return Optional.empty();
    }
  }

  @Override
  public Future<Long> append(String id, long offset, ReadStream<Buffer> bytes) {
    if (!appending.add(id)) {
      return Future.failedFuture(new SealpostException(ErrorCode.CONFLICT, "the upload is receiving bytes on another request"));
    }
    return upload(id)
        .compose(found -> {
          Upload upload = found.orElseThrow(() -> SealpostException.notFound("no such upload"));
          if (upload.offset() != offset) {
            throw new SealpostException(ErrorCode.CONFLICT, "Upload-Offset is " + upload.offset());
          }
          Path data = uploads.resolve(id).resolve(DATA);
          return vertx.fileSystem().open(data.toString(), new OpenOptions().setWrite(true).setCreate(false))
              .compose(file -> {
                file.setWritePos(offset);
                long room = upload.record().getLength() - offset;
                return receive(bytes, file, room)
                    .transform(received -> file.close()
                        .transform(closed -> blocking(() -> DurableFiles.syncData(data)))
                        .compose(size -> received.succeeded() ? Future.succeededFuture(size)
                            : discardIfTooLarge(id, received.cause())));
              });
        })
        .eventually(() -> {
          appending.remove(id);
          return Future.succeededFuture();
        });
  }

  /** Streams into the file with back-pressure; fails TOO_LARGE past {@code room} bytes. */
  private static Future<Long> receive(ReadStream<Buffer> bytes, AsyncFile file, long room) {
    Promise<Long> done = Promise.promise();
    long[] written = {0};
    bytes.exceptionHandler(done::tryFail);
    file.exceptionHandler(done::tryFail);
    bytes.endHandler(v -> done.tryComplete(written[0]));
    bytes.handler(chunk -> {
      if (done.future().isComplete()) {
        return;
      }
      if (written[0] + chunk.length() > room) {
        bytes.pause();
        done.tryFail(SealpostException.tooLarge("more bytes than the declared Upload-Length"));
        return;
      }
      written[0] += chunk.length();
      file.write(chunk);
      if (file.writeQueueFull()) {
        bytes.pause();
        file.drainHandler(v -> bytes.resume());
      }
    });
    bytes.resume();
    return done.future();
  }

  private Future<Long> discardIfTooLarge(String id, Throwable cause) {
    if (cause instanceof SealpostException e && e.code() == ErrorCode.TOO_LARGE) {
      return deleteUpload(id).transform(v -> Future.failedFuture(cause));
    }
    return Future.failedFuture(cause);
  }

  @Override
  public Future<BlobRecord> complete(String id, long expiresAt) {
    if (!isValidId(id)) {
      return Future.failedFuture(SealpostException.notFound("no such upload"));
    }
    return blocking(() -> {
      Path published = blobDirectory(id);
      Optional<BlobRecord> done = readRecord(published);
      if (done.isPresent()) {
        return done.get();
      }
      Path dir = uploads.resolve(id);
      BlobRecord pending = readRecord(dir).orElseThrow(() -> SealpostException.notFound("no such upload"));
      Path data = dir.resolve(DATA);
      long size = Files.size(data);
      if (size != pending.getLength()) {
        throw new SealpostException(ErrorCode.CONFLICT, "the upload holds " + size + " of " + pending.getLength() + " bytes");
      }
      if (!pending.getComplete() && !pending.getSha256().isEmpty()
          && !MessageDigest.isEqual(DurableFiles.sha256(data), pending.getSha256().toByteArray())) {
        DurableFiles.deleteTree(dir);
        throw new SealpostException(ErrorCode.UNPROCESSABLE, "the upload's SHA-256 differs from the declared one");
      }
      BlobRecord complete = pending.getComplete() ? pending : pending.toBuilder()
          .setComplete(true).setCompletedAt(clock.millis()).setExpiresAt(expiresAt).build();
      writeRecord(dir, complete);
      Files.createDirectories(published.getParent());
      Files.move(dir, published, StandardCopyOption.ATOMIC_MOVE);
      DurableFiles.syncDirectory(published.getParent());
      DurableFiles.syncDirectory(uploads);
      return complete;
    });
  }

  @Override
  public Future<Boolean> deleteUpload(String id) {
    if (!isValidId(id)) {
      return Future.succeededFuture(false);
    }
    return blocking(() -> discard(uploads.resolve(id), id));
  }

  @Override
  public Future<Optional<StoredBlob>> blob(String id) {
    if (!isValidId(id)) {
      return Future.succeededFuture(Optional.empty());
    }
    Path dir = blobDirectory(id);
    return vertx.fileSystem().readFile(dir.resolve(META).toString())
        .map(bytes -> {
          try {
            BlobRecord record = BlobRecord.parseFrom(bytes.getBytes());
            return record.getComplete() && record.getExpiresAt() > clock.millis()
                ? Optional.of(new StoredBlob(record, dir.resolve(DATA)))
                : Optional.<StoredBlob>empty();
          } catch (InvalidProtocolBufferException e) {
            log.warn("unreadable blob record {}", dir);
            return Optional.<StoredBlob>empty();
          }
        })
        .otherwise(err -> Optional.empty());
  }

  @Override
  public Future<Integer> sweep() {
    return blocking(() -> {
      long now = clock.millis();
      int deleted = eachDirectory((dir, upload) ->
          isExpired(dir, now) && discard(dir, dir.getFileName().toString()));
      try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(trash)) {
        for (Path dir : leftovers) {
          DurableFiles.deleteTree(dir);
        }
      }
      return deleted;
    });
  }

  @Override
  public Future<List<BlobRecord>> ownedBy(String number) {
    return blocking(() -> {
      long now = clock.millis();
      List<BlobRecord> owned = new ArrayList<>();
      eachDirectory((dir, upload) -> {
        Optional<BlobRecord> record = readRecord(dir);
        if (record.isEmpty() || !record.get().getOwner().equals(number)) {
          return false;
        }
        // what upload(id) and blob(id) would return
        boolean live = upload
            ? record.get().getComplete() || record.get().getExpiresAt() > now
            : record.get().getComplete() && record.get().getExpiresAt() > now;
        if (live) {
          owned.add(record.get());
        }
        return live;
      });
      return owned;
    });
  }

  @Override
  public Future<Integer> deleteOwnedBy(String number) {
    return blocking(() -> eachDirectory((dir, upload) -> {
      Optional<BlobRecord> record = readRecord(dir);
      return record.isPresent() && record.get().getOwner().equals(number)
          && discard(dir, dir.getFileName().toString());
    }));
  }

  /**
   * Visits every blob directory, then every upload directory (on a worker thread); how many visits
   * returned true.
   */
  private int eachDirectory(DirectoryVisitor visitor) throws IOException {
    int counted = 0;
    try (DirectoryStream<Path> shards = Files.newDirectoryStream(blobs)) {
      for (Path shard : shards) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(shard)) {
          for (Path dir : dirs) {
            if (visitor.visit(dir, false)) {
              counted++;
            }
          }
        }
      }
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(uploads)) {
      for (Path dir : dirs) {
        if (visitor.visit(dir, true)) {
          counted++;
        }
      }
    }
    return counted;
  }

  @FunctionalInterface
  private interface DirectoryVisitor {
    /** {@code upload}: the directory is under {@code uploads/}, else under {@code blobs/}. */
    boolean visit(Path dir, boolean upload) throws IOException;
  }

  /**
   * Expired by its record, or a directory without a record (a crash while creating it) that is
   * older than an hour.
   */
  private static boolean isExpired(Path dir, long now) throws IOException {
    Optional<BlobRecord> record = readRecord(dir);
    if (record.isPresent()) {
      return record.get().getExpiresAt() <= now;
    }
    try {
      return Files.getLastModifiedTime(dir).toMillis() < now - 3_600_000L;
    } catch (NoSuchFileException gone) {
      return false;
    }
  }

  /** Moves the directory out of sight (atomically), then deletes it. */
  private boolean discard(Path dir, String id) throws IOException {
    Path doomed = trash.resolve(id + "." + System.nanoTime());
    try {
      Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException gone) {
      return false;
    }
    DurableFiles.deleteTree(doomed);
    return true;
  }

  private Path blobDirectory(String id) {
    return blobs.resolve(id.substring(0, 2)).resolve(id);
  }

  private static Optional<BlobRecord> readRecord(Path dir) throws IOException {
    try {
      return Optional.of(BlobRecord.parseFrom(Files.readAllBytes(dir.resolve(META))));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** Replaces the record atomically. */
  private static void writeRecord(Path dir, BlobRecord record) throws IOException {
    DurableFiles.replace(dir.resolve(META), record.toByteArray());
  }

  private <T> Future<T> blocking(IoAction<T> action) {
    return vertx.executeBlocking(() -> {
      try {
        return action.run();
      } catch (FileAlreadyExistsException e) {
        throw new SealpostException(ErrorCode.CONFLICT, "id already in use");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, false);
  }

  @FunctionalInterface
  private interface IoAction<T> {
    T run() throws IOException;
  }
}
