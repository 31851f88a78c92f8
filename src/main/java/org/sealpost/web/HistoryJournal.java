package org.sealpost.web;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web client's history on disk: an append-only file of JSON records, one per line, each
 * forced to disk before its append completes, so a message acknowledged to the server is never
 * only in memory. Appends that arrive while a write is under way go together in the next one.
 * A crash can tear only the last line, which {@link #read} drops. Used from one Vert.x context;
 * the file work runs on a worker.
 */
final class HistoryJournal {
  private static final Logger log = LoggerFactory.getLogger(HistoryJournal.class);

  private record Pending(byte[] line, Promise<Void> written) {}

  private final Vertx vertx;
  private final Path file;
  private FileChannel channel;
  private List<Pending> pending = new ArrayList<>();
  private boolean writing;

  private HistoryJournal(Vertx vertx, Path file, FileChannel channel) {
    this.vertx = vertx;
    this.file = file;
    this.channel = channel;
  }

  /** Blocking: reads every whole record of {@code file} (dropping a torn last line) and opens it for appends. */
  static HistoryJournal open(Vertx vertx, Path file, List<JsonObject> records) throws IOException {
    Files.createDirectories(file.getParent());
    byte[] bytes = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
    int start = 0;
    int whole = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        String line = new String(bytes, start, i - start, StandardCharsets.UTF_8);
        try {
          records.add(new JsonObject(line));
        } catch (DecodeException e) {
          throw new IOException(file + " has a damaged record at byte " + start + ": " + e.getMessage(), e);
        }
        start = i + 1;
        whole = start;
      }
    }
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    if (whole < bytes.length) {
      log.warn("{}: dropping a torn last record of {} bytes (written when the process stopped)", file,
          bytes.length - whole);
      channel.truncate(whole);
      channel.force(true);
    }
    channel.position(whole);
    return new HistoryJournal(vertx, file, channel);
  }

  /** Completes once {@code record} is on disk. */
  Future<Void> append(JsonObject record) {
    Promise<Void> written = Promise.promise();
    pending.add(new Pending((record.encode() + "\n").getBytes(StandardCharsets.UTF_8), written));
    if (!writing) {
      writeNext();
    }
    return written.future();
  }

  private void writeNext() {
    List<Pending> batch = pending;
    pending = new ArrayList<>();
    writing = true;
    vertx.executeBlocking(() -> {
      for (Pending record : batch) {
        ByteBuffer buffer = ByteBuffer.wrap(record.line());
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
      }
      channel.force(false);
      return null;
    }, false).onComplete(done -> {
      writing = false;
      if (done.failed()) {
        log.error("{}: cannot write the history: {}", file, done.cause().toString());
      }
      batch.forEach(record -> record.written().handle(done.mapEmpty()));
      if (!pending.isEmpty()) {
        writeNext();
      }
    });
  }

  /**
   * Blocking, before any append: replaces the file with {@code records} (written to a temporary
   * file, forced, then renamed over it), so a long history of tick changes reads back as one
   * record per message.
   */
  void rewrite(List<JsonObject> records) {
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      for (JsonObject record : records) {
        ByteBuffer buffer = ByteBuffer.wrap((record.encode() + "\n").getBytes(StandardCharsets.UTF_8));
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
      }
      out.force(true);
      channel.close();
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      channel = FileChannel.open(file, StandardOpenOption.WRITE);
      channel.position(channel.size());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rewrite " + file, e);
    }
  }

  /** Closes the file once the appends made so far are on disk. */
  Future<Void> close() {
    Future<Void> last = append(new JsonObject().put("type", "closed")).otherwise((Void) null);
    return last.compose(v -> vertx.executeBlocking(() -> {
      channel.close();
      return null;
    }, false));
  }
}
