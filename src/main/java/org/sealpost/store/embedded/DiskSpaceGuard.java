package org.sealpost.store.embedded;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;
import org.sealpost.errors.ErrorCode;
import org.sealpost.errors.SealpostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a full disk from being a silent, sticky outage of the embedded store. Writes are refused
 * while the data directory's file system has less than {@code node.minFreeDiskBytes} free (so
 * RocksDB rarely reaches the end of the disk, and keeps the room its own recovery needs), and while
 * RocksDB reports the disk full anyway. A refused write fails with a retryable 503, never a 500, so
 * a sender gets no single tick and sends again. An episode is logged once when it starts and once
 * when writes succeed again, not once per write; readiness reports it ({@link #refusing}) and a
 * counter counts the refused writes.
 *
 * <p>Recovery needs no one: the floor is looked at again every {@value #CHECK_INTERVAL_MS} ms, and
 * RocksDB (given an SstFileManager) resumes by itself once there is room for its memtable.
 *
 * <p>Used by the writer thread only, but for {@link #refusing} and {@link #refused}.
 */
final class DiskSpaceGuard {
  private static final Logger log = LoggerFactory.getLogger(DiskSpaceGuard.class);
  static final long CHECK_INTERVAL_MS = 200;

  private final Path dir;
  private final FileStore fileStore;
  private final long minFreeBytes;
  private final AtomicLong refused = new AtomicLong();
  private volatile String refusing;
  private long checkedAt;
  private boolean belowFloor;
  private long refusedInEpisode;

  /** @param minFreeBytes the floor of free space; 0 = no floor (only RocksDB's own errors count) */
  DiskSpaceGuard(Path dir, long minFreeBytes) {
    this.dir = dir;
    this.minFreeBytes = minFreeBytes;
    FileStore found = null;
    try {
      found = Files.getFileStore(dir);
    } catch (IOException e) {
      log.warn("cannot watch the free space of {}: {}", dir, e.toString());
    }
    this.fileStore = found;
  }

  /** Before a group is run: false while free space is below the floor (the group must be refused). */
  boolean roomToWrite() {
    if (minFreeBytes == 0 || fileStore == null) {
      return true;
    }
    long now = System.nanoTime();
    if (now - checkedAt >= TimeUnit.MILLISECONDS.toNanos(CHECK_INTERVAL_MS)) {
      checkedAt = now;
      // A tenth above the floor to leave it again: writes do not flap around the line.
      belowFloor = free() < (belowFloor ? minFreeBytes + minFreeBytes / 10 : minFreeBytes);
    }
    if (belowFloor) {
      refuse("less than node.minFreeDiskBytes (" + minFreeBytes + " bytes) free");
    }
    return !belowFloor;
  }

  /** A group's write failed: true when for lack of space, in which case the group is refused, not failed. */
  boolean full(Throwable failure) {
    if (!isNoSpace(failure)) {
      return false;
    }
    refuse("the disk is full (" + failure.getMessage() + ")");
    return true;
  }

  /** What every write of a refused group fails with. */
  SealpostException refusal() {
    return new SealpostException(ErrorCode.UNAVAILABLE, "the server's storage is full; retry later");
  }

  /** A group was written: ends an episode. */
  void written() {
    if (refusing != null) {
      log.info("writes to {} succeed again ({} refused meanwhile, {} bytes free)", dir, refusedInEpisode, free());
      refusing = null;
      refusedInEpisode = 0;
    }
  }

  /** Why writes are refused now; null when they are not. */
  String refusing() {
    return refusing;
  }

  /** Writes refused so far. */
  long refused() {
    return refused.get();
  }

  private void refuse(String why) {
    refused.incrementAndGet();
    refusedInEpisode++;
    if (refusing == null) {
      refusing = why;
      log.warn("writes to {} refused: {}; clients get 503 until space returns ({} bytes free)", dir, why, free());
    }
  }

  private long free() {
    try {
      return fileStore == null ? -1 : fileStore.getUsableSpace();
    } catch (IOException e) {
      return -1;
    }
  }

  private static boolean isNoSpace(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof RocksDBException rocks && rocks.getStatus() != null
          && rocks.getStatus().getSubCode() == Status.SubCode.NoSpace) {
        return true;
      }
      String message = t.getMessage();
      if (message != null && (message.contains("No space left on device") || message.contains("Max allowed space"))) {
        return true;
      }
    }
    return false;
  }
}
