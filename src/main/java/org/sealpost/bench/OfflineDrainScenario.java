package org.sealpost.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.sealpost.protocol.ContentType;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.Envelope;
import org.sealpost.protocol.OutgoingMessage;
import org.sealpost.protocol.Request;
import org.sealpost.protocol.SendMessageRequest;
import org.sealpost.protocol.SendMessageResponse;

/**
 * A backlog, then the drain: {@code backlog} messages are queued for each of N registered but
 * unconnected devices (fill), then all N connect at once and receive their queues (drain). It
 * measures how fast the server empties durable queues to devices coming back online: the time
 * until every device has its whole backlog, and per device, from its connect to its last message.
 */
final class OfflineDrainScenario {
  /** Sends in flight during the fill: enough to keep every core busy, bounded for memory. */
  private static final int FILL_WINDOW = 1_000;

  private final Vertx vertx;
  private final int backlog;
  private final int size;
  private final LatencyStats fillAck = new LatencyStats();
  private final LatencyStats deviceDrain = new LatencyStats();
  private final Set<ByteString> acked = ConcurrentHashMap.newKeySet();
  private final Set<ByteString> delivered = ConcurrentHashMap.newKeySet();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  /** Per receiver: messages received, and when its drain began (nanoTime at connect). */
  private AtomicInteger[] received;
  private long[] connectStarted;
  private volatile long drainStart;

  OfflineDrainScenario(Vertx vertx, int backlog, int size) {
    if (backlog < 1 || backlog > 100_000) {
      throw new IllegalArgumentException("--backlog must be 1..100000");
    }
    if (size < 16 || size > 96 * 1024) {
      throw new IllegalArgumentException("--size must be 16..98304 bytes");
    }
    this.vertx = vertx;
    this.backlog = backlog;
    this.size = size;
  }

  /** Receivers record each message (receiver index and sequence in the payload). */
  Future<Integer> onServerRequest(Request request) {
    if (!request.getPath().equals("/v1/message")) {
      return Future.succeededFuture(200);
    }
    try {
      Envelope envelope = Envelope.parseFrom(request.getBody());
      if (envelope.getType() != Envelope.Type.MESSAGE) {
        return Future.succeededFuture(200); // the senders' delivery receipts
      }
      if (!delivered.add(envelope.getMessageId())) {
        duplicates.incrementAndGet();
        return Future.succeededFuture(200);
      }
      int receiver = envelope.getContent().asReadOnlyByteBuffer().getInt();
      if (received[receiver].incrementAndGet() == backlog) {
        deviceDrain.recordNanos(System.nanoTime() - connectStarted[receiver]);
      }
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      errors.incrementAndGet();
      return Future.succeededFuture(400);
    }
    return Future.succeededFuture(200);
  }

  /**
   * Fills the receivers' queues through the connected senders, then connects the receivers with
   * {@code connect}; [human summary, JSON line].
   */
  Future<String[]> run(List<BenchClient> senders, List<DeviceCredentials> receivers,
      Function<DeviceCredentials, Future<BenchClient>> connect, CpuMeter cpu) {
    received = new AtomicInteger[receivers.size()];
    connectStarted = new long[receivers.size()];
    for (int i = 0; i < received.length; i++) {
      received[i] = new AtomicInteger();
    }
    long total = (long) backlog * receivers.size();
    long fillStart = System.nanoTime();
    return fill(senders, receivers, total)
        .compose(v -> {
          double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
          System.out.printf(Locale.ROOT, "queued %d messages (%d per device) in %.1f s; connecting %d devices%n",
              acked.size(), backlog, fillSeconds, receivers.size());
          return cpu.start()
              .compose(started -> {
                drainStart = System.nanoTime();
                return connectAll(receivers, connect);
              })
              .compose(clients -> Timers.poll(vertx, () -> delivered.containsAll(acked),
                  System.currentTimeMillis() + 300_000))
              .compose(done -> {
                double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
                return cpu.stop().map(stopped -> report(receivers.size(), fillSeconds, drainSeconds,
                    cpu.per(delivered.size())));
              });
        });
  }

  /** Sends {@code total} messages, round-robin over receivers and senders, FILL_WINDOW in flight. */
  private Future<Void> fill(List<BenchClient> senders, List<DeviceCredentials> receivers, long total) {
    Promise<Void> done = Promise.promise();
    AtomicLong next = new AtomicLong();
    AtomicLong finished = new AtomicLong();
    Runnable[] sendNext = new Runnable[1];
    sendNext[0] = () -> {
      long index = next.getAndIncrement();
      if (index >= total) {
        return;
      }
      int receiver = (int) (index % receivers.size());
      BenchClient sender = senders.get((int) (index % senders.size()));
      ByteString id = randomId();
      byte[] payload = new byte[size];
      ThreadLocalRandom.current().nextBytes(payload);
      ByteBuffer.wrap(payload).putInt(receiver);
      SendMessageRequest request = SendMessageRequest.newBuilder().setMessageId(id)
          .setDestination(receivers.get(receiver).getNumber()).setTimestamp(System.currentTimeMillis())
          .setFirstAttempt(true)
          .addMessages(OutgoingMessage.newBuilder().setDeviceId(receivers.get(receiver).getDeviceId())
              .setType(ContentType.SIGNAL_MESSAGE).setContent(ByteString.copyFrom(payload)))
          .build();
      long sentAt = System.nanoTime();
      sender.connection.call("PUT", "/v1/messages", request, SendMessageResponse.parser()).onComplete(ar -> {
        if (ar.succeeded()) {
          fillAck.recordNanos(System.nanoTime() - sentAt);
          acked.add(id);
        } else {
          errors.incrementAndGet();
        }
        if (finished.incrementAndGet() == total) {
          done.complete();
        } else {
          sendNext[0].run();
        }
      });
    };
    for (int i = 0; i < Math.min(FILL_WINDOW, total); i++) {
      vertx.runOnContext(v -> sendNext[0].run());
    }
    return done.future();
  }

  /** Connects every receiver at once (the server's accept queue and auth path take the burst). */
  private Future<List<BenchClient>> connectAll(List<DeviceCredentials> receivers,
      Function<DeviceCredentials, Future<BenchClient>> connect) {
    List<Future<BenchClient>> connecting = new ArrayList<>();
    for (int i = 0; i < receivers.size(); i++) {
      connectStarted[i] = System.nanoTime();
      connecting.add(connect.apply(receivers.get(i)));
    }
    return Future.all(connecting).map(all -> all.<BenchClient>list());
  }

  private static ByteString randomId() {
    byte[] id = new byte[16];
    ThreadLocalRandom.current().nextBytes(id);
    return ByteString.copyFrom(id);
  }

  private String[] report(int devices, double fillSeconds, double drainSeconds, CpuMeter.Figures cpu) {
    fillAck.freeze();
    deviceDrain.freeze();
    long lost = acked.stream().filter(id -> !delivered.contains(id)).count();
    String human = String.format(Locale.ROOT, """
        scenario        offline-drain (%d devices x %d queued messages, %d-byte payloads)
        fill            %d acked in %.1f s (%.0f msg/s)   single tick: %s
        drain           %d delivered in %.2f s (%.0f msg/s)
        per device      %s   (connect to its last queued message)
        lost            %d (acked but never delivered)
        duplicates      %d
        errors          %d
        cpu             %s (during the drain)""",
        devices, backlog, size, acked.size(), fillSeconds, acked.size() / fillSeconds, fillAck.human(),
        delivered.size(), drainSeconds, delivered.size() / drainSeconds, deviceDrain.human(), lost,
        duplicates.get(), errors.get(), cpu.human());
    String json = String.format(Locale.ROOT,
        "{\"scenario\":\"offline-drain\",\"clients\":%d,\"backlog\":%d,\"size\":%d,\"acked\":%d,\"delivered\":%d,"
            + "\"fill_s\":%.2f,\"acked_per_s\":%.1f,\"drain_s\":%.3f,\"delivered_per_s\":%.1f,\"lost\":%d,"
            + "\"duplicates\":%d,\"errors\":%d,\"ack_ms\":%s,\"device_drain_ms\":%s,%s}",
        devices, backlog, size, acked.size(), delivered.size(), fillSeconds, acked.size() / fillSeconds,
        drainSeconds, delivered.size() / drainSeconds, lost, duplicates.get(), errors.get(), fillAck.json(),
        deviceDrain.json(), cpu.json());
    return new String[] {human, json};
  }

  boolean succeeded() {
    return errors.get() == 0 && duplicates.get() == 0 && delivered.containsAll(acked);
  }
}
