package org.sealpost.store.embedded;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.Env;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.SstFileManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RocksDB database under the embedded stores, with one column family per {@link ColumnFamily},
 * and the only way they touch it: it opens the database, reads from it, checkpoints it and closes
 * it, and hands writes to its one writer.
 *
 * <p><b>Reads</b> ({@link #read}) run on a shared Vert.x worker pool, each at one snapshot, and
 * complete on the caller's context. Event-loop threads never call RocksDB.
 *
 * <p><b>Writes</b> ({@link #write}, {@link #writeLazily}) all go through one dedicated thread
 * (see {@code GroupCommitWriter}), which runs them one after another, so every read-modify-write
 * is serializable without locks or retries, and commits them in groups of up to
 * {@value #MAX_GROUP} with one fsync per group. An operation that throws is rolled back and fails
 * alone; a write's future completes only once its group is durable, so a completed write survives
 * a crash.
 *
 * <p>Futures complete on the Vert.x context that called {@code read} or {@code write}. A write
 * called outside any context completes on the writer thread: callbacks must not block there.
 *
 * <p>{@link #close} blocks (it waits for queued writes and running reads): call it from a worker,
 * not an event loop.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

  /** The most operations committed with one fsync; bounds batch memory and latency. */
  public static final int MAX_GROUP = 1024;

  private static final String READ_POOL_NAME = "sealpost-store-read";

  static {
    RocksDB.loadLibrary();
  }

  private final Path dir;
  private final DBOptions dbOptions;
  private final ColumnFamilyOptions cfOptions;
  private final RocksDB db;
  private final List<ColumnFamilyHandle> allHandles;
  private final Map<ColumnFamily, ColumnFamilyHandle> handles;
  private final WorkerExecutor readers;
  private final SstFileManager sstFiles;
  private final GroupCommitWriter writer;

  /**
   * Guards {@link #closed} and {@link #activeReads}: close waits until every read it let in has
   * run, because RocksDB must not close under a read and the read pool drops queued tasks when it
   * shuts down.
   */
  private final Object readLock = new Object();

  private boolean closed;
  private int activeReads;

  private EmbeddedDatabase(
      Vertx vertx,
      Path dir,
      DBOptions dbOptions,
      ColumnFamilyOptions cfOptions,
      RocksDB db,
      List<ColumnFamilyDescriptor> descriptors,
      List<ColumnFamilyHandle> allHandles,
      int readThreads,
      SstFileManager sstFiles,
      long minFreeDiskBytes) {
    this.dir = dir;
    this.sstFiles = sstFiles;
    this.dbOptions = dbOptions;
    this.cfOptions = cfOptions;
    this.db = db;
    this.allHandles = allHandles;
    this.handles = byColumnFamily(descriptors, allHandles);
    this.readers = vertx.createSharedWorkerExecutor(READ_POOL_NAME, readThreads);
    this.writer = new GroupCommitWriter(dir, db, handles, minFreeDiskBytes);
  }

  /** Opens (creating if needed) the database in {@code dir}; blocks while RocksDB opens. */
  public static EmbeddedDatabase open(Vertx vertx, Path dir) {
    return open(vertx, dir, Math.max(4, Runtime.getRuntime().availableProcessors()), 0);
  }

  /**
   * Like {@link #open(Vertx, Path)} with {@code readThreads} threads for reads, refusing writes
   * while less than {@code minFreeDiskBytes} are free where {@code dir} is (0 = no floor).
   */
  public static EmbeddedDatabase open(Vertx vertx, Path dir, int readThreads, long minFreeDiskBytes) {
    Objects.requireNonNull(vertx, "vertx");
    if (readThreads < 1) {
      throw new IllegalArgumentException("readThreads must be >= 1");
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    // One thread writes: the memtable needs no concurrent inserts (cheaper skip-list inserts).
    // The SstFileManager lets RocksDB resume by itself after a full disk, once there is room again.
    SstFileManager sstFiles;
    try {
      sstFiles = new SstFileManager(Env.getDefault());
    } catch (RocksDBException e) {
      throw new StorageException("cannot set up the database in " + dir, e);
    }
    DBOptions dbOptions =
        new DBOptions()
            .setCreateIfMissing(true)
            .setCreateMissingColumnFamilies(true)
            .setAllowConcurrentMemtableWrite(false)
            .setSstFileManager(sstFiles);
    // A bloom filter over the memtable's whole keys: most point reads on the hot path (a dedupe
    // key, a queue entry already deleted) miss, and a miss then skips the skip-list search.
    ColumnFamilyOptions cfOptions =
        new ColumnFamilyOptions()
            .setMemtablePrefixBloomSizeRatio(0.05)
            .setMemtableWholeKeyFiltering(true);
    List<ColumnFamilyHandle> allHandles = new ArrayList<>();
    try {
      List<ColumnFamilyDescriptor> descriptors = descriptors(dir, cfOptions);
      RocksDB db = RocksDB.open(dbOptions, dir.toString(), descriptors, allHandles);
      log.info("opened embedded database in {}", dir);
      return new EmbeddedDatabase(
          vertx, dir, dbOptions, cfOptions, db, descriptors, allHandles, readThreads, sstFiles, minFreeDiskBytes);
    } catch (RocksDBException | RuntimeException e) {
      allHandles.forEach(ColumnFamilyHandle::close);
      cfOptions.close();
      dbOptions.close();
      sstFiles.close();
      throw new StorageException("cannot open the database in " + dir, e);
    }
  }

  /**
   * Runs {@code op} on a read worker against committed data at one snapshot. The reader is valid
   * only inside {@code op}.
   */
  public <T> Future<T> read(Function<KeyValueReader, T> op) {
    Objects.requireNonNull(op, "op");
    synchronized (readLock) {
      if (closed) {
        return Future.failedFuture(new IllegalStateException("database closed"));
      }
      activeReads++;
    }
    try {
      return readers.executeBlocking(
          () -> {
            try (DbReader reader = new DbReader(db, handles)) {
              return op.apply(reader);
            } finally {
              readDone();
            }
          },
          false);
    } catch (RuntimeException e) {
      readDone();
      return Future.failedFuture(e);
    }
  }

  private void readDone() {
    synchronized (readLock) {
      if (--activeReads == 0) {
        readLock.notifyAll();
      }
    }
  }

  /**
   * Queues {@code op} for the writer thread and returns its result once its group commit is
   * durable. {@code op} runs serialized with every other write; it must be quick and must not block
   * (it holds up the whole group). When it throws, its writes are rolled back and the future fails
   * with what it threw.
   */
  public <T> Future<T> write(Function<Txn, T> op) {
    return writer.submit(op, true);
  }

  /**
   * Like {@link #write}, except that its group is fsynced only when another write of the group
   * asks for it: its outcome survives a crash of the process (it is in the operating system's
   * cache) and becomes durable against a crash of the machine with the next synced group, which
   * writes the log after it. For writes whose loss a client repairs by itself (an ack that is
   * lost makes the envelope come again, and the client acks it again).
   */
  public <T> Future<T> writeLazily(Function<Txn, T> op) {
    return writer.submit(op, false);
  }

  /**
   * An online backup: a consistent copy of the committed data in {@code target} (which must not
   * exist; its parent must), made by a RocksDB checkpoint (hard links to the immutable files
   * where on the same file system, so it is quick and small). The copy opens as a database.
   */
  public Future<Path> checkpoint(Path target) {
    return read(reader -> {
      try (org.rocksdb.Checkpoint checkpoint = org.rocksdb.Checkpoint.create(db)) {
        checkpoint.createCheckpoint(target.toString());
        return target;
      } catch (RocksDBException e) {
        throw new IllegalStateException("checkpoint to " + target + " failed: " + e.getMessage(), e);
      }
    });
  }

  /**
   * RocksDB's estimate of the keys in a column family (memtables plus SST properties; no disk
   * read), 0 once closing. Taken under the writer's submit lock, so the database cannot close
   * meanwhile.
   */
  public long estimatedKeys(ColumnFamily cf) {
    return writer.whileAccepting(() -> {
      try {
        return db.getLongProperty(handles.get(cf), "rocksdb.estimate-num-keys");
      } catch (RocksDBException e) {
        return 0;
      }
    });
  }

  /** Where the database lives. */
  public Path directory() {
    return dir;
  }

  /**
   * Commits every write queued so far, then stops the writer and closes RocksDB once running reads
   * finish. Later reads and writes fail. Blocks; idempotent.
   */
  @Override
  public void close() {
    // The writer first: it commits what was queued before the close, then reads drain, then RocksDB.
    if (!writer.close()) {
      return;
    }
    awaitReads();
    readers.close();
    // Handles go before the database, options after it.
    allHandles.forEach(ColumnFamilyHandle::close);
    try {
      db.closeE();
    } catch (RocksDBException e) {
      log.warn("closing the embedded database in {} failed", dir, e);
    }
    cfOptions.close();
    dbOptions.close();
    sstFiles.close();
    log.info("closed embedded database in {}", dir);
  }

  /** Why writes are refused now (a full disk); null when they are not. For readiness. */
  public String writesRefused() {
    return writer.refusing();
  }

  /** Writes refused for lack of disk space since the database opened. For metrics. */
  public long refusedWrites() {
    return writer.refused();
  }

  /** Refuses new reads and waits for the admitted ones to finish. */
  private void awaitReads() {
    boolean interrupted = false;
    synchronized (readLock) {
      closed = true;
      while (activeReads > 0) {
        try {
          readLock.wait();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The descriptors to open: the default column family, every {@link ColumnFamily}, and any other
   * the database already has (RocksDB refuses to open without all of them).
   */
  private static List<ColumnFamilyDescriptor> descriptors(Path dir, ColumnFamilyOptions options)
      throws RocksDBException {
    List<byte[]> names = new ArrayList<>();
    names.add(RocksDB.DEFAULT_COLUMN_FAMILY);
    for (ColumnFamily cf : ColumnFamily.values()) {
      names.add(cf.rocksNameBytes());
    }
    for (byte[] existing : existingColumnFamilies(dir)) {
      if (names.stream().noneMatch(name -> Arrays.equals(name, existing))) {
        log.warn(
            "{} has column family {} that no store uses",
            dir,
            new String(existing, StandardCharsets.UTF_8));
        names.add(existing);
      }
    }
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    for (byte[] name : names) {
      descriptors.add(new ColumnFamilyDescriptor(name, options));
    }
    return descriptors;
  }

  private static List<byte[]> existingColumnFamilies(Path dir) throws RocksDBException {
    if (!Files.exists(dir.resolve("CURRENT"))) {
      return Collections.emptyList();
    }
    try (Options options = new Options()) {
      return RocksDB.listColumnFamilies(options, dir.toString());
    }
  }

  private static Map<ColumnFamily, ColumnFamilyHandle> byColumnFamily(
      List<ColumnFamilyDescriptor> descriptors, List<ColumnFamilyHandle> handles) {
    Map<ColumnFamily, ColumnFamilyHandle> byCf = new EnumMap<>(ColumnFamily.class);
    for (ColumnFamily cf : ColumnFamily.values()) {
      for (int i = 0; i < descriptors.size(); i++) {
        if (Arrays.equals(descriptors.get(i).getName(), cf.rocksNameBytes())) {
          byCf.put(cf, handles.get(i));
        }
      }
    }
    return Collections.unmodifiableMap(byCf);
  }
}
