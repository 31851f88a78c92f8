package org.sealpost.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.sealpost.protocol.CreateGroupRequest;
import org.sealpost.protocol.Envelope;
import org.sealpost.protocol.Group;
import org.sealpost.protocol.GroupSendRequest;
import org.sealpost.protocol.GroupSendResponse;
import org.sealpost.protocol.Request;

/**
 * One group of N connected members (opaque payloads: {@code --crypto none} stands in for the one
 * Sender-Key ciphertext a real client makes). Member 0 sends {@code messages} messages one after
 * another; each time it waits until every other member has the message, and measures the single
 * tick (all envelopes stored), the fan-out (the last member got it) and each delivery.
 */
final class GroupScenario {
  private final Vertx vertx;
  private final int messages;
  private final int size;
  private final LatencyStats tick = new LatencyStats();
  private final LatencyStats fanOut = new LatencyStats();
  private final LatencyStats delivery = new LatencyStats();
  private final AtomicInteger events = new AtomicInteger();
  private final AtomicLong receipts = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  /** Per message: deliveries so far, and when the last one arrived (nanoTime). */
  private final AtomicInteger[] delivered;
  private final AtomicLongArray lastDelivery;

  GroupScenario(Vertx vertx, int messages, int size) {
    if (messages < 1 || messages > 10_000) {
      throw new IllegalArgumentException("--messages must be 1..10000");
    }
    if (size < 16 || size > 96 * 1024) {
      throw new IllegalArgumentException("--size must be 16..98304 bytes");
    }
    this.vertx = vertx;
    this.messages = messages;
    this.size = size;
    this.delivered = new AtomicInteger[messages];
    for (int i = 0; i < messages; i++) {
      delivered[i] = new AtomicInteger();
    }
    this.lastDelivery = new AtomicLongArray(messages);
  }

  /** Answers the server's requests to every member: counts events, deliveries and receipts; acks them. */
  Future<Integer> onServerRequest(Request request) {
    if (request.getPath().equals("/v1/message")) {
      try {
        Envelope envelope = Envelope.parseFrom(request.getBody());
        switch (envelope.getType()) {
          case GROUP_EVENT -> events.incrementAndGet();
          case MESSAGE -> {
            ByteBuffer content = envelope.getContent().asReadOnlyByteBuffer();
            int index = content.getInt();
            long sentAt = content.getLong();
            long now = System.nanoTime();
            delivery.recordNanos(now - sentAt);
            lastDelivery.accumulateAndGet(index, now, Math::max);
            delivered[index].incrementAndGet();
          }
          default -> receipts.incrementAndGet();
        }
      } catch (InvalidProtocolBufferException | RuntimeException e) {
        errors.incrementAndGet();
        return Future.succeededFuture(400);
      }
    }
    return Future.succeededFuture(200);
  }

  /** Runs; {@code cpu} measures the sends (its figures are per envelope delivered to a member). */
  Future<String[]> run(List<BenchClient> members, CpuMeter cpu) {
    BenchClient sender = members.get(0);
    List<String> others = members.subList(1, members.size()).stream().map(BenchClient::number).toList();
    return sender.connection.call("POST", "/v1/groups", CreateGroupRequest.newBuilder().addAllMembers(others).build(),
            Group.parser())
        .compose(group -> Timers.poll(vertx, () -> events.get() >= members.size(),
                System.currentTimeMillis() + 120_000)
            .map(group))
        .compose(group -> cpu.start().compose(v -> sendFrom(sender, group.getId(), members.size() - 1, 0)))
        .compose(v -> cpu.stop())
        .map(v -> result(members.size(), cpu.per((long) messages * (members.size() - 1))));
  }

  private Future<Void> sendFrom(BenchClient sender, String groupId, int recipients, int index) {
    if (index == messages) {
      return Future.succeededFuture();
    }
    byte[] payload = new byte[size];
    ThreadLocalRandom.current().nextBytes(payload);
    long sentAt = System.nanoTime();
    ByteBuffer.wrap(payload).putInt(index).putLong(sentAt);
    byte[] id = new byte[16];
    ThreadLocalRandom.current().nextBytes(id);
    GroupSendRequest request = GroupSendRequest.newBuilder().setMessageId(ByteString.copyFrom(id))
        .setTimestamp(System.currentTimeMillis()).setContent(ByteString.copyFrom(payload))
        .setFirstAttempt(true).build();
    return sender.connection.call("PUT", "/v1/groups/" + groupId + "/messages", request, GroupSendResponse.parser())
        .compose(response -> {
          tick.recordNanos(System.nanoTime() - sentAt);
          return Timers.poll(vertx, () -> delivered[index].get() >= recipients,
              System.currentTimeMillis() + 60_000);
        })
        .compose(all -> {
          if (all) {
            fanOut.recordNanos(lastDelivery.get(index) - sentAt);
          } else {
            errors.incrementAndGet();
          }
          if (delivered[index].get() > recipients) {
            duplicates.addAndGet(delivered[index].get() - recipients);
          }
          return sendFrom(sender, groupId, recipients, index + 1);
        });
  }

  /** A human summary and one JSON line. */
  private String[] result(int members, CpuMeter.Figures cpu) {
    tick.freeze();
    fanOut.freeze();
    delivery.freeze();
    long complete = fanOut.count();
    String human = String.format(Locale.ROOT, """
        scenario        group (%d members, %d messages one after another, %d-byte payloads, crypto none)
        single tick     %s   (all %d envelopes stored)
        fan-out         %s   (the last of %d members has it)
        each delivery   %s
        complete        %d of %d messages reached every member
        duplicates      %d
        receipts        %d
        errors          %d
        cpu             %s (per envelope delivered to a member)""",
        members, messages, size, tick.human(), members - 1, fanOut.human(), members - 1, delivery.human(),
        complete, messages, duplicates.get(), receipts.get(), errors.get(), cpu.human());
    String json = String.format(Locale.ROOT,
        "{\"scenario\":\"group\",\"members\":%d,\"messages\":%d,\"size\":%d,\"crypto\":\"none\",\"complete\":%d,"
            + "\"duplicates\":%d,\"receipts\":%d,\"errors\":%d,\"tick_ms\":%s,\"fan_out_ms\":%s,\"delivery_ms\":%s,%s}",
        members, messages, size, complete, duplicates.get(), receipts.get(), errors.get(), tick.json(), fanOut.json(),
        delivery.json(), cpu.json());
    return new String[] {human, json};
  }

  boolean succeeded() {
    return errors.get() == 0 && duplicates.get() == 0 && fanOut.count() == messages;
  }
}
