package org.sealpost.store.cassandra;

import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.sealpost.protocol.Envelope;
import org.sealpost.store.DeviceKey;

/**
 * Appends envelopes to device queues: positions come from the head row's last_seq, advanced by a
 * conditional batch ({@code UPDATE ... SET last_seq = L + n IF last_seq = L} plus the n rows), so
 * every position is given out once, positions are consecutive, and an append's rows appear together
 * with the counter that covers them: no reader ever sees position L + 2 without L + 1.
 *
 * <p>A per-device counter under compare-and-set serializes appends to one device; concurrent ones
 * would mostly lose the race and retry. So this node lines up its appends per device in a lane and
 * writes whatever is waiting when the previous batch returns as one batch (at most {@link
 * #MAX_COALESCED} envelopes and {@link #MAX_COALESCED_BYTES}, but never splitting one caller's
 * envelopes, which stay one atomic batch): under load a device's
 * appends cost one Paxos round per batch, not per message. The lane caches the last position it
 * wrote, so a busy device needs no read before its compare-and-set; a condition that fails (another
 * node appended) answers the current last_seq, and the batch is tried again from there.
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

  private final QueueTable table;
  private final ConcurrentHashMap<DeviceKey, Lane> lanes = new ConcurrentHashMap<>();

  QueueAppender(QueueTable table) {
    this.table = table;
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

  /** Lanes in use (for tests: they go when idle). */
  int activeLanes() {
    return lanes.size();
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
    write(lane, batch, 0).onComplete(ar -> {
      if (ar.succeeded()) {
        List<Envelope> positioned = ar.result();
        int next = 0;
        for (Pending pending : batch) {
          pending.result.complete(List.copyOf(positioned.subList(next, next + pending.envelopes.size())));
          next += pending.envelopes.size();
        }
      } else {
        lane.lastSeq = -1;
        batch.forEach(pending -> pending.result.completeExceptionally(ar.cause()));
      }
      drain(lane);
    });
  }

  /** Writes the batch after the lane's last position; tries again from the current one on a lost race. */
  private Future<List<Envelope>> write(Lane lane, List<Pending> batch, int attempt) {
    Future<Long> last = lane.lastSeq >= 0
        ? Future.succeededFuture(lane.lastSeq)
        : table.head(lane.device, attempt > 0).map(head -> head.map(QueueTable.Head::lastSeq).orElse(0L));
    return last.compose(expected -> {
      List<Envelope> positioned = new ArrayList<>();
      List<BatchableStatement<?>> statements = new ArrayList<>();
      long seq = expected;
      for (Pending pending : batch) {
        for (Envelope envelope : pending.envelopes) {
          Envelope withSeq = envelope.toBuilder().setSeq(++seq).build();
          positioned.add(withSeq);
          statements.add(table.put(lane.device, withSeq));
        }
      }
      statements.add(0, table.advance(lane.device, expected, seq));
      long written = seq;
      return table.cql().execute(Cql.batch(statements)).compose(rs -> {
        if (rs.wasApplied()) {
          lane.lastSeq = written;
          return Future.succeededFuture(positioned);
        }
        Row current = rs.one();
        lane.lastSeq = current == null || current.isNull("last_seq") ? 0 : current.getLong("last_seq");
        if (attempt + 1 >= CasLoop.MAX_ATTEMPTS) {
          return Future.failedFuture(Cql.unavailable("appending lost " + CasLoop.MAX_ATTEMPTS + " races in a row"));
        }
        return table.cql().pause(attempt).compose(v -> write(lane, batch, attempt + 1));
      });
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
    /** The last position this lane wrote or saw; -1 when unknown (then the head is read). */
    volatile long lastSeq = -1;

    Lane(DeviceKey device) {
      this.device = device;
    }
  }
}
