package org.sealpost.transparency;

import com.google.protobuf.ByteString;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.sealpost.api.DeviceKey;
import org.sealpost.protocol.KeyLogEntries;
import org.sealpost.protocol.KeyLogEntry;
import org.sealpost.store.embedded.EmbeddedDatabase;
import org.sealpost.store.embedded.EmbeddedKeyLogStore;

/**
 * The server's key log with its storage (#25), on the embedded store (RocksDB, fsync per commit
 * group) holding a generated log of 10^6 entries: a key change logged by one writer (the fsync's
 * latency) and by 16 at once (group commit: many changes share one write), the proof a key fetch
 * carries, a monitor's page of 1,000 entries, and rebuilding the tree when the server starts.
 * Run: {@code scripts/bench-jmh.sh KeyLog}.
 */
@State(Scope.Benchmark)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgs = "-Xmx2g")
public class KeyLogBenchmark {
  @Param({"1000000"})
  int entries;

  private Vertx vertx;
  private Path dir;
  private EmbeddedDatabase db;
  private EmbeddedKeyLogStore store;
  private StoredKeyLog keyLog;
  private final AtomicInteger newDevices = new AtomicInteger();

  @Setup
  public void open() throws Exception {
    vertx = Vertx.vertx();
    dir = Files.createTempDirectory("sealpost-jmh-keylog");
    db = EmbeddedDatabase.open(vertx, dir);
    store = new EmbeddedKeyLogStore(db);
    long now = System.currentTimeMillis();
    for (int from = 0; from < entries; from += 1000) {
      List<byte[]> batch = new ArrayList<>(1000);
      for (int i = from; i < Math.min(entries, from + 1000); i++) {
        batch.add(entry(number(i), key(i), now));
      }
      await(store.append(from, batch));
    }
    keyLog = await(StoredKeyLog.open(vertx, store, Clock.systemUTC()));
  }

  @TearDown
  public void close() throws Exception {
    db.close();
    await(vertx.close());
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** One key change at a time: each waits for its own durable write. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public void recordOneWriter() {
    recordNewKey();
  }

  /** Sixteen key changes in flight: those arriving during a write go together in the next. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(16)
  public void recordSixteenWriters() {
    recordNewKey();
  }

  /** What a key fetch adds: one device's entry and its audit path to the (already signed) head. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public KeyLog.ProvedKeys prove() {
    int i = ThreadLocalRandom.current().nextInt(entries);
    return await(keyLog.prove(number(i), Map.of(1, ByteString.copyFrom(key(i)))));
  }

  /** A monitor's page: 1,000 entries read from the store, with the frontier and the (cached) head. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public KeyLogEntries monitorPage() {
    return await(keyLog.entries(entries / 2));
  }

  /** A server start: the whole log read from the store and hashed into the tree. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 1)
  @Measurement(iterations = 3)
  public StoredKeyLog rebuild() {
    return await(StoredKeyLog.open(vertx, store, Clock.systemUTC()));
  }

  private void recordNewKey() {
    int i = entries + newDevices.incrementAndGet();
    await(keyLog.record(new DeviceKey(number(i), 1), ByteString.copyFrom(key(i))));
  }

  private static String number(int i) {
    return "+1" + (5550000000L + i);
  }

  private static byte[] entry(String number, byte[] key, long at) {
    return KeyLogEntry.newBuilder().setNumber(number).setDeviceId(1).setIdentityKey(ByteString.copyFrom(key))
        .setLoggedAt(at).build().toByteArray();
  }

  /** A 33-byte identity key (type byte and 32 bytes), distinct per i. */
  private static byte[] key(int i) {
    byte[] key = new byte[33];
    key[0] = 5;
    for (int b = 1; b < 5; b++) {
      key[b] = (byte) (i >>> (8 * (b - 1)));
    }
    return key;
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(600, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
