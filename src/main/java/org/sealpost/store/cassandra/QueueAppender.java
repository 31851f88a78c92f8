package org.sealpost.store.cassandra;

import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.sealpost.api.DeviceKey;
import org.sealpost.protocol.Envelope;
import org.sealpost.store.QueueTurns;

/**
 * Appends envelopes to device queues with plain writes: a device's turn ({@link QueueTurns}, in
 * Redis) hands out the positions and keeps other nodes off the device while this one writes; the
 * envelope rows and the head row's {@code last_seq} then go in one unlogged single-partition batch,
 * which Cassandra applies atomically per replica. With one writer at a time per device, rows become
 * visible in position order, so no reader sees position L + 2 without L + 1; positions come from
 * one counter, so none is given out twice. No Paxos: a batch costs two Redis round trips and one
 * plain Cassandra write.
 *
 * <p>This node lines up its appends per device in a lane and writes whatever is waiting when the
 * previous batch returns as one batch (at most {@link #MAX_COALESCED} envelopes and {@link
 * #MAX_COALESCED_BYTES}, but never splitting one caller's envelopes, which stay one atomic batch):
 * under load a device costs one turn per batch, not per message.
 *
 * <p>When the turn's counter is unknown (first use, or Redis lost it), it is seeded from the head
 * row's {@code last_seq}, read at the serial level, plus {@link #SEED_MARGIN}: each batch writes
 * last_seq with a plain write, so nodes whose clocks disagree may leave it a little behind the
 * true last position, and the margin skips past anything it missed. A batch whose write fails
 * leaves its positions unused (a gap, which readers take for acked rows); one whose turn ran out
 * and was taken by another holder before it gave the turn back fails too, as its rows may have
 * become visible after that holder's.
 *
 * <p>Concurrency: a lane is taken by one writer at a time (its {@code writing} flag, changed under
 * the lane's lock, which only guards memory); the writer hands each caller its result on the
 * caller's own context. An idle lane is retired from the map; a caller that still holds a retired
 * lane takes a fresh one.
 */
final class QueueAppender {
  /** Envelopes written by one batch when several appends are combined. */
  static final int MAX_COALESCED = 256;
  /**
   * Bytes of envelopes written by one batch when several appends are combined: far below the
   * 16 MiB limits on a mutation and a request frame.
   */
  static final int MAX_COALESCED_BYTES = 4 * 1024 * 1024;
  /** How much longer than a lease a take waits for a busy device: a dead holder's turn ends by then. */
  private static final Duration TURN_WAIT_SLACK = Duration.ofSeconds(1);

  /** Positions skipped when a counter is seeded from a head row (see above). */
  static final long SEED_MARGIN = 1 << 20;

  private final QueueTable table;
  private final QueueTurns turns;
  private final ConcurrentHashMap<DeviceKey, Lane> lanes = new ConcurrentHashMap<>();

  QueueAppender(QueueTable table, QueueTurns turns) {
    this.table = table;
    this.turns = turns;
  }

  /** Appends the envelopes (all for {@code device}, in order) and returns them with positions. */
  Future<List<Envelope>> append(DeviceKey device, List<Envelope> envelopes) {
    Context caller = table.cql().vertx().getOrCreateContext();
    Pending pending = new Pending(envelopes, new CompletableFuture<>());
    while (!enqueue(device, pending)) {
      // The lane was retired between looking it up and locking it: the next lookup makes a new one.
    }
    return Future.fromCompletionStage(pending.result, caller);
  }

  /** Adds to the device's lane and starts it if idle; false when the lane was just retired. */
  private boolean enqueue(DeviceKey device, Pending pending) {
    Lane lane = lanes.computeIfAbsent(device, Lane::new);
    boolean start;
    synchronized (lane) {
      if (lane.retired) {
        return false;
      }
      lane.waiting.add(pending);
      start = !lane.writing;
      lane.writing = true;
    }
    if (start) {
      drain(lane);
    }
    return true;
  }

  private void drain(Lane lane) {
    List<Pending> batch = new ArrayList<>();
    synchronized (lane) {
      if (lane.waiting.isEmpty()) {
        lane.writing = false;
        lane.retired = true;
        lanes.remove(lane.device, lane);
        return;
      }
      int count = 0;
      long bytes = 0;
      do {
        Pending next = lane.waiting.poll();
        batch.add(next);
        count += next.envelopes.size();
        bytes += next.bytes();
      } while (!lane.waiting.isEmpty()
          && count + lane.waiting.peek().envelopes.size() <= MAX_COALESCED
          && bytes + lane.waiting.peek().bytes() <= MAX_COALESCED_BYTES);
    }
    write(lane.device, batch).onComplete(ar -> {
      if (ar.succeeded()) {
        List<Envelope> positioned = ar.result();
        int next = 0;
        for (Pending pending : batch) {
          pending.result.complete(List.copyOf(positioned.subList(next, next + pending.envelopes.size())));
          next += pending.envelopes.size();
        }
      } else {
        batch.forEach(pending -> pending.result.completeExceptionally(ar.cause()));
      }
      drain(lane);
    });
  }

  /** Writes the batch in one turn at the device. */
  private Future<List<Envelope>> write(DeviceKey device, List<Pending> batch) {
    int count = batch.stream().mapToInt(pending -> pending.envelopes.size()).sum();
    return inTurn(device, count, last -> {
      List<Envelope> positioned = new ArrayList<>(count);
      List<BatchableStatement<?>> statements = new ArrayList<>(count + 1);
      long seq = last;
      for (Pending pending : batch) {
        for (Envelope envelope : pending.envelopes) {
          Envelope withSeq = envelope.toBuilder().setSeq(++seq).build();
          positioned.add(withSeq);
          statements.add(table.put(device, withSeq));
        }
      }
      statements.add(table.setLast(device, seq));
      return table.cql().execute(Cql.batch(statements)).map(positioned);
    });
  }

  /**
   * Runs {@code work} while holding the device's turn with {@code count} new positions, given the
   * last position before them; fails if another took the device after the turn ran out.
   */
  <T> Future<T> inTurn(DeviceKey device, int count, Function<Long, Future<T>> work) {
    String holder = UUID.randomUUID().toString();
    long giveUpAt = System.currentTimeMillis() + turns.lease().toMillis() + TURN_WAIT_SLACK.toMillis();
    return take(device, holder, count, -1, giveUpAt, 0).compose(last -> start(work, last).transform(done ->
        turns.give(device, holder, last + count).transform(given -> {
          if (done.failed()) {
            return Future.<T>failedFuture(done.cause());
          }
          if (given.failed() || !given.result()) {
            return Future.<T>failedFuture(Cql.unavailable("the turn at a device's queue ran out before its write"
                + " completed (" + (given.failed() ? given.cause().getMessage() : "another node took it") + ")"));
          }
          return Future.succeededFuture(done.result());
        })));
  }

  /** Starts {@code work}; one that throws fails like one that fails, so the turn is still given back. */
  private static <T> Future<T> start(Function<Long, Future<T>> work, long last) {
    try {
      return work.apply(last);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** Takes the turn, seeding the counter when unknown and waiting while another holder has it. */
  private Future<Long> take(DeviceKey device, String holder, int count, long seed, long giveUpAt, int attempt) {
    return turns.take(device, holder, count, seed).compose(turn -> switch (turn.status()) {
      case TAKEN -> Future.succeededFuture(turn.last());
      case UNSEEDED -> table.head(device, true)
          .map(head -> head.map(h -> h.lastSeq() + SEED_MARGIN).orElse(0L))
          .compose(seeded -> take(device, holder, count, seeded, giveUpAt, attempt));
      case BUSY -> System.currentTimeMillis() >= giveUpAt
          ? Future.failedFuture(Cql.unavailable("another node held a device's queue for over " + turns.lease()))
          : table.cql().pause(attempt).compose(v -> take(device, holder, count, seed, giveUpAt, attempt + 1));
    });
  }

  private record Pending(List<Envelope> envelopes, CompletableFuture<List<Envelope>> result) {
    long bytes() {
      long bytes = 0;
      for (Envelope envelope : envelopes) {
        bytes += envelope.getSerializedSize();
      }
      return bytes;
    }
  }

  private static final class Lane {
    final DeviceKey device;
    final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    boolean writing;
    boolean retired;

    Lane(DeviceKey device) {
      this.device = device;
    }
  }
}
