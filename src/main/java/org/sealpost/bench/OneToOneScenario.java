package org.sealpost.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.sealpost.protocol.ContentType;
import org.sealpost.protocol.Envelope;
import org.sealpost.protocol.OutgoingMessage;
import org.sealpost.protocol.Request;
import org.sealpost.protocol.SendMessageRequest;
import org.sealpost.protocol.SendMessageResponse;

/**
 * N connected clients send opaque payloads to random peers at a total target rate (open loop)
 * for a duration. Measures server acks (single tick) and deliveries, their latencies, and lost
 * = acked but never delivered.
 */
final class OneToOneScenario {
  private final Vertx vertx;
  private final BenchOptions options;
  private final LatencyStats ackLatency = new LatencyStats();
  private final LatencyStats deliveryLatency = new LatencyStats();
  private final Set<ByteString> acked = ConcurrentHashMap.newKeySet();
  private final Set<ByteString> delivered = ConcurrentHashMap.newKeySet();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong receipts = new AtomicLong();
  private final AtomicLong outstanding = new AtomicLong();
  private final OpenLoop load = new OpenLoop();
  private final AtomicLong ackedMeasured = new AtomicLong();
  private final AtomicLong deliveredMeasured = new AtomicLong();
  private final AtomicLong ackedInTime = new AtomicLong();
  private final AtomicLong deliveredInTime = new AtomicLong();

  private final Peers peers;
  private final int nodes;

  /** Which peers a client sends to, when clients are spread over several nodes (client i on node i mod N). */
  enum Peers {
    ANY, SAME_NODE, OTHER_NODE;

    static Peers parse(String text) {
      return switch (text) {
        case "any" -> ANY;
        case "same-node" -> SAME_NODE;
        case "other-node" -> OTHER_NODE;
        default -> throw new IllegalArgumentException("--peers must be any, same-node or other-node");
      };
    }

    boolean allows(int from, int to, int nodes) {
      return switch (this) {
        case ANY -> true;
        case SAME_NODE -> from % nodes == to % nodes;
        case OTHER_NODE -> from % nodes != to % nodes;
      };
    }
  }

  OneToOneScenario(Vertx vertx, BenchOptions options) {
    this(vertx, options, Peers.ANY, 1);
  }

  OneToOneScenario(Vertx vertx, BenchOptions options, Peers peers, int nodes) {
    this.vertx = vertx;
    this.options = options;
    this.peers = peers;
    this.nodes = nodes;
  }

  /** Answers the server's requests to every client: records deliveries, acks them. */
  Future<Integer> onServerRequest(Request request) {
    if (request.getPath().equals("/v1/message")) {
      try {
        Envelope envelope = Envelope.parseFrom(request.getBody());
        if (envelope.getType() == Envelope.Type.MESSAGE) {
          long sentAt = envelope.getContent().asReadOnlyByteBuffer().getLong();
          if (load.measured(sentAt)) {
            deliveryLatency.recordNanos(System.nanoTime() - sentAt);
            deliveredMeasured.incrementAndGet();
            if (load.inTime(System.nanoTime())) {
              deliveredInTime.incrementAndGet();
            }
          }
          delivered.add(envelope.getMessageId());
        } else {
          receipts.incrementAndGet();
        }
      } catch (InvalidProtocolBufferException e) {
        errors.incrementAndGet();
        return Future.succeededFuture(400);
      }
    }
    return Future.succeededFuture(200);
  }

  Future<BenchResult> run(List<BenchClient> clients) {
    return load.run(vertx, options, outstanding, errors, () -> sendOne(clients)).compose(sent ->
        awaitDeliveries(30_000).map(drained -> result(sent, load.measuredSeconds(), clients.size())));
  }


  private void sendOne(List<BenchClient> clients) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int from = random.nextInt(clients.size());
    int to;
    do {
      to = random.nextInt(clients.size() - 1);
      if (to >= from) {
        to++;
      }
    } while (!peers.allows(from, to, nodes));
    byte[] idBytes = new byte[16];
    random.nextBytes(idBytes);
    ByteString id = ByteString.copyFrom(idBytes);
    byte[] payload = new byte[options.size()];
    random.nextBytes(payload);
    long sentAt = System.nanoTime();
    ByteBuffer.wrap(payload).putLong(sentAt);
    SendMessageRequest request = SendMessageRequest.newBuilder()
        .setMessageId(id)
        .setDestination(clients.get(to).number())
        .setTimestamp(System.currentTimeMillis())
        .addMessages(OutgoingMessage.newBuilder().setDeviceId(1).setType(ContentType.SIGNAL_MESSAGE)
            .setContent(ByteString.copyFrom(payload)))
        .build();
    outstanding.incrementAndGet();
    clients.get(from).connection.call("PUT", "/v1/messages", request, SendMessageResponse.parser())
        .onComplete(ar -> {
          outstanding.decrementAndGet();
          boolean measured = load.measured(sentAt);
          if (ar.succeeded()) {
            if (measured) {
              ackLatency.recordNanos(System.nanoTime() - sentAt);
              ackedMeasured.incrementAndGet();
              if (load.inTime(System.nanoTime())) {
                ackedInTime.incrementAndGet();
              }
            }
            acked.add(id);
          } else if (measured) {
            errors.incrementAndGet();
          }
        });
  }

  /** Waits (bounded) until every acked message was delivered and no send is outstanding. */
  private Future<Boolean> awaitDeliveries(long timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    return BenchCommand.poll(vertx, () -> outstanding.get() == 0 && delivered.containsAll(acked), deadline);
  }

  private BenchResult result(long sent, double seconds, int clients) {
    ackLatency.freeze();
    deliveryLatency.freeze();
    long lost = acked.stream().filter(id -> !delivered.contains(id)).count();
    return new BenchResult("one-to-one", "none", clients, options, sent, ackedMeasured.get(), deliveredMeasured.get(),
        ackedInTime.get(), deliveredInTime.get(), lost,
        errors.get(), receipts.get(), seconds, ackLatency, deliveryLatency);
  }
}
