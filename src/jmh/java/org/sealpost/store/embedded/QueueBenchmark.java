package org.sealpost.store.embedded;

import com.google.protobuf.ByteString;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.sealpost.api.DeviceKey;
import org.sealpost.protocol.ContentType;
import org.sealpost.protocol.Envelope;
import org.sealpost.store.MessageQueueStore.DedupeKey;

/**
 * The embedded durable queue (RocksDB, fsync per commit group) on a message's life: appendOnce
 * (dedupe record + envelope, what a send costs before its single tick), then read and delete
 * (delivery and ack). One thread shows the fsync latency; 16 threads show group commit: many
 * appends share one fsync.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class QueueBenchmark {
  private Vertx vertx;
  private Path dir;
  private EmbeddedDatabase db;
  private EmbeddedMessageQueueStore queue;
  private byte[] payload;
  private final AtomicInteger devices = new AtomicInteger();

  @Setup
  public void open() throws IOException {
    vertx = Vertx.vertx();
    dir = Files.createTempDirectory("sealpost-jmh-queue");
    db = EmbeddedDatabase.open(vertx, dir);
    queue = new EmbeddedMessageQueueStore(db);
    payload = new byte[300];
    new Random(1).nextBytes(payload);
  }

  @TearDown
  public void close() throws Exception {
    db.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Each benchmark thread is a sender to a recipient device of its own. */
  @State(Scope.Thread)
  public static class Device {
    DeviceKey key;

    @Setup(Level.Trial)
    public void pick(QueueBenchmark bench) {
      key = new DeviceKey("+1555" + String.format("%07d", bench.devices.incrementAndGet()), 1);
    }
  }

  private Envelope envelope(DeviceKey to, ByteString id) {
    return Envelope.newBuilder().setType(Envelope.Type.MESSAGE).setMessageId(id).setSource("+15559999999")
        .setSourceDevice(1).setDestination(to.number()).setDestinationDevice(to.deviceId())
        .setServerTimestamp(System.currentTimeMillis()).setContentType(ContentType.SIGNAL_MESSAGE)
        .setContent(ByteString.copyFrom(payload)).build();
  }

  private static <T> T join(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private List<Envelope> store(Device device) throws Exception {
    byte[] idBytes = new byte[16];
    ThreadLocalRandom.current().nextBytes(idBytes);
    ByteString id = ByteString.copyFrom(idBytes);
    return join(queue.appendOnce(new DedupeKey("+15559999999", device.key.number(), id), System.currentTimeMillis(),
        List.of(envelope(device.key, id)))).stored();
  }

  private void deliver(Device device, List<Envelope> stored) throws Exception {
    List<Envelope> read = join(queue.read(device.key, stored.get(0).getSeq() - 1, 1));
    join(queue.delete(device.key, read.get(0).getSeq()));
  }

  @Benchmark
  @Threads(1)
  public void appendOnceOneSender(Device device) throws Exception {
    store(device);
  }

  @Benchmark
  @Threads(16)
  public void appendOnceSixteenSenders(Device device) throws Exception {
    store(device);
  }

  @Benchmark
  @Threads(16)
  public void appendReadDeleteSixteenSenders(Device device) throws Exception {
    deliver(device, store(device));
  }
}
