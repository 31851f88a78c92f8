package org.sealpost.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
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
  private final OneToOneTally<ByteString> tally = new OneToOneTally<>();

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
          tally.delivered(envelope.getMessageId(), envelope.getContent().asReadOnlyByteBuffer().getLong());
        } else {
          tally.receipts.incrementAndGet();
        }
      } catch (InvalidProtocolBufferException e) {
        tally.errors.incrementAndGet();
        return Future.succeededFuture(400);
      }
    }
    return Future.succeededFuture(200);
  }

  Future<BenchResult> run(List<BenchClient> clients, CpuMeter cpu) {
    return tally.run(vertx, options, () -> sendOne(clients), cpu).compose(sent ->
        Timers.poll(vertx, tally::settled, System.currentTimeMillis() + 30_000)
            .map(settled -> tally.result("none", clients.size(), options, sent)));
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
        .setFirstAttempt(true)
        .addMessages(OutgoingMessage.newBuilder().setDeviceId(1).setType(ContentType.SIGNAL_MESSAGE)
            .setContent(ByteString.copyFrom(payload)))
        .build();
    tally.outstanding.incrementAndGet();
    clients.get(from).connection.call("PUT", "/v1/messages", request, SendMessageResponse.parser())
        .onComplete(ar -> {
          tally.outstanding.decrementAndGet();
          if (ar.succeeded()) {
            tally.acked(id, sentAt);
          } else {
            tally.failed(sentAt);
          }
        });
  }
}
