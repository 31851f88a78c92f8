package org.sealpost.store.embedded;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBatchWithIndex;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of an {@link EmbeddedDatabase}: its write queue and the one thread that commits
 * it in groups. A class apart because it is the durable write path, a job of its own beside opening,
 * reading and closing the database, which owns it and closes it first.
 *
 * <p>The thread takes the queued operations, up to {@value EmbeddedDatabase#MAX_GROUP} at a time,
 * and runs them one after another against one indexed write batch, so each operation reads
 * committed data plus everything the operations before it wrote. That makes every read-modify-write
 * serializable without locks or retries, which the stores rely on: a dedupe key is stored once, a
 * code matches once, a device limit holds, queue positions are consecutive. Each operation runs
 * inside a save point: one that throws is rolled back and fails alone. The group is then written
 * with one synced write — one fsync shared by the whole group, which is what makes durable writes
 * cheap under load — and only after that do the operations' futures complete, so a completed write
 * survives a crash. (A group made only of lazy operations is written without the fsync: it survives
 * a crash of the process, and one of the machine from the next synced group on.) If that write
 * fails, every operation of the group fails; if it is refused for lack of disk space
 * ({@link DiskSpaceGuard}), every operation fails with a retryable refusal.
 */
final class GroupCommitWriter {
  /** Logs as the database it writes for, so the store's lines keep one source. */
  private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

  private static final String THREAD_NAME = "sealpost-store-writer";

  private final Path dir;
  private final RocksDB db;
  private final Map<ColumnFamily, ColumnFamilyHandle> handles;
  private final DiskSpaceGuard space;
  private final Thread writer;
  private final BlockingQueue<PendingWrite<?>> queue = new LinkedBlockingQueue<>();

  /** Marks the end of the queue; the writer stops after committing what came before it. */
  private final PendingWrite<?> stop = new PendingWrite<>(txn -> null, Promise.promise(), null, true);

  /** Guards {@link #accepting} so nothing is queued after {@link #stop}. */
  private final Object submitLock = new Object();

  private boolean accepting = true;

  /**
   * Starts the writer thread for {@code db} in {@code dir}, refusing writes while less than
   * {@code minFreeDiskBytes} are free there (0 = no floor).
   */
  GroupCommitWriter(Path dir, RocksDB db, Map<ColumnFamily, ColumnFamilyHandle> handles, long minFreeDiskBytes) {
    this.dir = dir;
    this.db = db;
    this.handles = handles;
    this.space = new DiskSpaceGuard(dir, minFreeDiskBytes);
    this.writer = new Thread(this::runWriter, THREAD_NAME);
    writer.setDaemon(true);
    writer.start();
  }

  /**
   * Queues {@code op}; its future completes on the caller's context once its group is written
   * (fsynced when {@code synced} or when another write of the group is). Fails at once after
   * {@link #close}.
   */
  <T> Future<T> submit(Function<Txn, T> op, boolean synced) {
    Objects.requireNonNull(op, "op");
    Promise<T> promise = Promise.promise();
    PendingWrite<T> write = new PendingWrite<>(op, promise, Vertx.currentContext(), synced);
    synchronized (submitLock) {
      if (!accepting) {
        return Future.failedFuture(new IllegalStateException("database closed"));
      }
      queue.add(write);
    }
    return promise.future();
  }

  /**
   * {@code query}'s answer, taken under the submit lock so that the database cannot close meanwhile
   * (its close begins with this writer's); 0 once closing.
   */
  long whileAccepting(LongSupplier query) {
    synchronized (submitLock) {
      return accepting ? query.getAsLong() : 0;
    }
  }

  /** Why writes are refused now (a full disk); null when they are not. */
  String refusing() {
    return space.refusing();
  }

  /** Writes refused for lack of disk space so far. */
  long refused() {
    return space.refused();
  }

  /**
   * Stops accepting writes, lets the writer commit every write queued before, and waits for its
   * thread to end. Blocks. Returns false at once when already closed (by another call).
   */
  boolean close() {
    synchronized (submitLock) {
      if (!accepting) {
        return false;
      }
      accepting = false;
      queue.add(stop);
    }
    joinWriter();
    return true;
  }

  private void joinWriter() {
    boolean interrupted = false;
    while (writer.isAlive()) {
      try {
        writer.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void runWriter() {
    List<PendingWrite<?>> group = new ArrayList<>(EmbeddedDatabase.MAX_GROUP);
    boolean stopping = false;
    try (WriteOptions sync = new WriteOptions().setSync(true);
        WriteOptions lazy = new WriteOptions();
        ReadOptions readOptions = new ReadOptions()) {
      while (!stopping) {
        group.add(takeIgnoringInterrupts());
        queue.drainTo(group, EmbeddedDatabase.MAX_GROUP - 1);
        // stop is queued last of all, so it can only be the last of a group.
        if (group.get(group.size() - 1) == stop) {
          group.remove(group.size() - 1);
          stopping = true;
        }
        commit(group, group.stream().anyMatch(PendingWrite::synced) ? sync : lazy, readOptions);
        group.clear();
      }
    }
    log.debug("writer of {} stopped", dir);
  }

  /** The writer belongs to the database: only close stops it, so interrupts are ignored. */
  private PendingWrite<?> takeIgnoringInterrupts() {
    while (true) {
      try {
        return queue.take();
      } catch (InterruptedException e) {
        log.warn("ignored an interrupt of the writer thread of {}", dir);
      }
    }
  }

  private void commit(List<PendingWrite<?>> group, WriteOptions options, ReadOptions readOptions) {
    if (group.isEmpty()) {
      return;
    }
    if (!space.roomToWrite()) {
      refuse(group);
      return;
    }
    try (WriteBatchWithIndex batch = new WriteBatchWithIndex(true)) {
      Txn txn = new Txn(db, handles, batch, readOptions);
      for (PendingWrite<?> write : group) {
        batch.setSavePoint();
        if (write.run(txn)) {
          batch.popSavePoint();
        } else {
          batch.rollbackToSavePoint();
        }
      }
      if (batch.count() > 0) {
        db.write(options, batch);
      }
    } catch (Throwable t) {
      if (space.full(t)) {
        refuse(group);
        return;
      }
      log.error("group commit of {} writes in {} failed", group.size(), dir, t);
      StorageException failure = new StorageException("write failed", t);
      group.forEach(write -> write.fail(failure));
      return;
    }
    space.written();
    completeAll(group);
  }

  /** Fails a group that was not written for lack of space, its own failures aside, with a 503. */
  private void refuse(List<PendingWrite<?>> group) {
    RuntimeException refusal = space.refusal();
    group.forEach(write -> write.refuse(refusal));
  }

  /**
   * Completes a written group: one task per caller context for all of that context's writes (one
   * wake-up of its event loop, not one per write), in the order they were queued.
   */
  private static void completeAll(List<PendingWrite<?>> group) {
    Map<Context, List<PendingWrite<?>>> byContext = new IdentityHashMap<>();
    for (PendingWrite<?> write : group) {
      if (write.context() == null) {
        write.completeHere();
      } else {
        byContext.computeIfAbsent(write.context(), c -> new ArrayList<>()).add(write);
      }
    }
    byContext.forEach((context, writes) -> context.runOnContext(v -> writes.forEach(PendingWrite::completeHere)));
  }
}
