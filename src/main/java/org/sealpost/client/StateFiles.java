package org.sealpost.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * The files of one device's state directory, addressed by a relative path such as
 * {@code sessions/+15551234567.1}.
 *
 * <p>Every write is atomic: the bytes go to a temporary file that is forced to disk and then
 * renamed over the target, so a crash leaves the old content or the new one, never a torn
 * record. A ratchet state that went back in time would make the peer's next messages
 * undecryptable, which is why even one session write pays for an fsync.
 *
 * <p>{@link #batch} makes a group of writes all-or-nothing in memory: inside it, writes and
 * deletes are visible to reads at once but reach the disk only when the work succeeds (in the
 * order they were made), and nothing reaches it when the work throws. A decryption that fails
 * half-way therefore leaves no half-advanced session behind.
 *
 * <p>Blocking and not thread-safe: used only from the owning client's crypto worker.
 */
final class StateFiles {
  private static final String TEMP_SUFFIX = ".tmp";
  private static final byte[] DELETED = new byte[0];

  private final Path root;
  /** Writes of the batch in progress ({@link #DELETED} marks a delete); null outside a batch. */
  private Map<String, byte[]> pending;

  StateFiles(Path root) {
    this.root = root;
  }

  Path root() {
    return root;
  }

  Optional<byte[]> read(String path) {
    if (pending != null && pending.containsKey(path)) {
      byte[] bytes = pending.get(path);
      return bytes == DELETED ? Optional.empty() : Optional.of(bytes);
    }
    try {
      return Optional.of(Files.readAllBytes(root.resolve(path)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }

  boolean exists(String path) {
    if (pending != null && pending.containsKey(path)) {
      return pending.get(path) != DELETED;
    }
    return Files.exists(root.resolve(path));
  }

  void write(String path, byte[] bytes) {
    if (pending != null) {
      pending.remove(path);
      pending.put(path, bytes.clone());
    } else {
      writeToDisk(path, bytes);
    }
  }

  /** Writes through to the disk at once, even inside a batch: for a record that must be durable first. */
  void writeNow(String path, byte[] bytes) {
    if (pending != null) {
      pending.remove(path);
    }
    writeToDisk(path, bytes);
  }

  void delete(String path) {
    if (pending != null) {
      pending.remove(path);
      pending.put(path, DELETED);
    } else {
      deleteFromDisk(path);
    }
  }

  /** The names of the files directly in {@code dir}, sorted (an absent directory has none). */
  List<String> list(String dir) {
    TreeSet<String> names = new TreeSet<>();
    Path directory = root.resolve(dir);
    if (Files.isDirectory(directory)) {
      try (Stream<Path> files = Files.list(directory)) {
        files.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(TEMP_SUFFIX)).forEach(names::add);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + dir, e);
      }
    }
    if (pending != null) {
      String prefix = dir + "/";
      pending.forEach((path, bytes) -> {
        if (path.startsWith(prefix) && path.indexOf('/', prefix.length()) < 0) {
          String name = path.substring(prefix.length());
          if (bytes == DELETED) {
            names.remove(name);
          } else {
            names.add(name);
          }
        }
      });
    }
    return new ArrayList<>(names);
  }

  /** Deletes the files directly in {@code dir} last written before {@code cutoff}; returns how many. */
  int deleteOlderThan(String dir, Instant cutoff) {
    int deleted = 0;
    for (String name : list(dir)) {
      Path file = root.resolve(dir).resolve(name);
      try {
        if (Files.getLastModifiedTime(file).toInstant().isBefore(cutoff) && Files.deleteIfExists(file)) {
          deleted++;
        }
      } catch (NoSuchFileException e) {
        // gone already
      } catch (IOException e) {
        throw new UncheckedIOException("cannot prune " + dir, e);
      }
    }
    return deleted;
  }

  /** Runs {@code work} with its writes held back until it succeeds; see the class comment. */
  <T> T batch(Callable<T> work) throws Exception {
    if (pending != null) {
      return work.call();
    }
    pending = new LinkedHashMap<>();
    Map<String, byte[]> writes;
    try {
      T result = work.call();
      writes = pending;
      pending = null;
      commit(writes);
      return result;
    } finally {
      pending = null;
    }
  }

  /**
   * Applies a batch: every new content is written and forced to its temporary file first, then
   * the renames and deletes happen in the order they were made. Syncing the files together costs
   * about half of syncing them one by one (a registration writes some 200 key files), and a crash
   * still leaves each file whole.
   */
  private void commit(Map<String, byte[]> writes) {
    List<FileChannel> open = new ArrayList<>();
    try {
      for (Map.Entry<String, byte[]> write : writes.entrySet()) {
        if (write.getValue() != DELETED) {
          open.add(writeTemp(write.getKey(), write.getValue()));
        }
      }
      for (FileChannel channel : open) {
        channel.force(true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write state files", e);
    } finally {
      open.forEach(StateFiles::closeQuietly);
    }
    writes.forEach((path, bytes) -> {
      if (bytes == DELETED) {
        deleteFromDisk(path);
      } else {
        replaceWithTemp(path);
      }
    });
  }

  private void writeToDisk(String path, byte[] bytes) {
    try (FileChannel channel = writeTemp(path, bytes)) {
      channel.force(true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path, e);
    }
    replaceWithTemp(path);
  }

  /** Writes {@code bytes} to the temporary file of {@code path}; the caller forces and closes the channel. */
  private FileChannel writeTemp(String path, byte[] bytes) throws IOException {
    Path temp = temp(path);
    Files.createDirectories(temp.getParent());
    FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING);
    try {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      return channel;
    } catch (IOException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  private void replaceWithTemp(String path) {
    Path target = root.resolve(path);
    try {
      try {
        Files.move(temp(path), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp(path), target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path, e);
    }
  }

  private Path temp(String path) {
    Path target = root.resolve(path);
    return target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // the data was forced already, or the write failed and is reported
    }
  }

  private void deleteFromDisk(String path) {
    try {
      Files.deleteIfExists(root.resolve(path));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + path, e);
    }
  }
}
