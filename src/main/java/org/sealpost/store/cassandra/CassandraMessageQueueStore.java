package org.sealpost.store.cassandra;

import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.sealpost.protocol.Envelope;
import org.sealpost.store.DeviceKey;
import org.sealpost.store.MessageQueueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Device queues in Cassandra: one partition of the {@code queue} table per device.
 *
 * <h2>Positions</h2>
 * Row seq = 0 of a partition is the device's head; it holds {@code last_seq}, the last position
 * given out, and is never deleted, so positions keep increasing across acks, clears and restarts.
 * An append is one conditional batch on the partition: {@code UPDATE ... SET last_seq = L + n IF
 * last_seq = L} together with the n envelope rows L + 1 .. L + n ({@link QueueAppender}). Paxos
 * makes the counter move exactly once per position, and because the rows are in the same
 * single-partition batch they become visible atomically with it: positions are strictly increasing,
 * consecutive, and never seen out of order (a reader that saw L + 2 without L + 1 would skip L + 1).
 * A counter taken first and rows written after it would leave gaps on a crash and show later rows
 * before earlier ones. Appends to one device are lined up and combined per node, so the counter is
 * not a hot spot for one node; nodes that append to the same device retry each other's races. An
 * append's future completes once its batch is committed at the configured consistency level, that
 * is in the commit log of that many replicas.
 *
 * <h2>Acks without the tombstone queue</h2>
 * Deleting delivered rows from the front of a partition and reading "the first N rows" is the
 * classic Cassandra anti-pattern: every read scans the tombstones of everything acked before, until
 * compaction drops them after gc_grace_seconds, and reads slow down, then fail. Here the head also
 * holds {@code floor}: every envelope below it is gone. Reads slice from {@code max(afterSeq + 1,
 * floor)}, never from the partition start. The floor is raised, with a range tombstone over the
 * rows below it, in one conditional batch, by a read from the floor that finds its first live row
 * above it, and by every ack of a position that is a multiple of {@link #FLOOR_STRIDE}; a serial
 * read first confirms the span below the new floor is empty. So a read scans the tombstones of at
 * most about {@link #FLOOR_STRIDE} acks plus those acked out of order, however long the queue has
 * been in use, and compaction can drop the row tombstones the range tombstone shadows. {@code
 * count} also starts at the floor. Envelopes carry a TTL (queueTtl), which expires them the same
 * way.
 *
 * <h2>Which writes are Paxos</h2>
 * Appends, clears and floor moves are conditional batches on the head row. Acks are not: an ack
 * batch reads which of its positions are there, with their write times, and deletes those with
 * plain deletes, each stamped one microsecond after its row's write time (or this node's clock,
 * if later). A plain delete stamped by a client clock alone could fall before the Paxos timestamp
 * of the insert it targets and silently not delete it; a stamp after the row's own cannot, and
 * since a position is never written again, a stamp ahead of the clock shadows nothing else.
 *
 * <h2>Differences from the embedded store</h2>
 * A multi-device {@link #append} is atomic per device, not across devices: Cassandra has no
 * conditional batch across partitions. If one device's batch fails, the others' may be stored, and
 * the call fails. {@link #appendOnce} orders the dedupe claim before the envelopes (see {@link
 * DedupeClaims}) so such a failure releases the claim and the client's retry stores the message
 * again (possibly twice on some devices) rather than losing it. {@link #deleteExpired} counts the
 * rows its batches deleted; a row acked between its scan and its batch is counted too.
 */
final class CassandraMessageQueueStore implements MessageQueueStore {
  private static final Logger log = LoggerFactory.getLogger(CassandraMessageQueueStore.class);

  /** Every this many positions, an ack also raises the floor up to itself when it can. */
  static final int FLOOR_STRIDE = 64;

  /** Envelope rows deleted by one expiry batch. */
  private static final int EXPIRY_BATCH = 500;

  private final QueueTable table;
  private final QueueAppender appender;
  private final DedupeClaims claims;
  private final Cql cql;
  private final KeyedSequencer<DeviceKey> clears;

  CassandraMessageQueueStore(QueueTable table, DedupeClaims claims) {
    this.table = table;
    this.appender = new QueueAppender(table);
    this.claims = claims;
    this.cql = table.cql();
    this.clears = new KeyedSequencer<>(cql.vertx());
  }

  @Override
  public Future<List<Envelope>> append(List<Envelope> envelopes) {
    if (envelopes.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    Map<DeviceKey, List<Integer>> byDevice = new LinkedHashMap<>();
    try {
      for (int i = 0; i < envelopes.size(); i++) {
        Envelope envelope = envelopes.get(i);
        DeviceKey device = new DeviceKey(envelope.getDestination(), envelope.getDestinationDevice());
        byDevice.computeIfAbsent(device, d -> new ArrayList<>()).add(i);
      }
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    Envelope[] stored = new Envelope[envelopes.size()];
    List<Future<?>> appends = new ArrayList<>();
    byDevice.forEach((device, indexes) -> appends.add(
        appender.append(device, indexes.stream().map(envelopes::get).toList()).onSuccess(positioned -> {
          for (int i = 0; i < indexes.size(); i++) {
            stored[indexes.get(i)] = positioned.get(i);
          }
        })));
    return Future.all(appends).map(all -> List.copyOf(Arrays.asList(stored)));
  }

  @Override
  public Future<AppendResult> appendOnce(DedupeKey key, long serverTimestamp, List<Envelope> envelopes) {
    List<Envelope> copy = List.copyOf(envelopes);
    return claims.claim(key, serverTimestamp).compose(claim -> {
      if (!claim.won()) {
        return Future.succeededFuture(new AppendResult(claim.serverTimestamp(), true, List.of()));
      }
      return append(copy).transform(appended -> appended.succeeded()
          ? claims.markStored(key, claim)
              .map(v -> new AppendResult(serverTimestamp, false, appended.result()))
          : claims.release(key, claim)
              .compose(v -> Future.<AppendResult>failedFuture(appended.cause())));
    });
  }

  @Override
  public Future<List<Envelope>> read(DeviceKey device, long afterSeq, int limit) {
    if (limit <= 0 || afterSeq == Long.MAX_VALUE) {
      return Future.succeededFuture(List.of());
    }
    return table.head(device, false).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(List.of());
      }
      QueueTable.Head head = found.get();
      long from = Math.max(afterSeq + 1, head.floor());
      if (from > head.lastSeq()) {
        return Future.succeededFuture(List.of());
      }
      return table.envelopes(device, from, limit).compose(rows -> {
        List<Envelope> envelopes = new ArrayList<>(rows.size());
        for (Row row : rows) {
          envelopes.add(Protos.parse(Envelope.parser(), row.getByteBuffer("envelope")));
        }
        long firstLive = rows.isEmpty() ? head.lastSeq() + 1 : rows.get(0).getLong("seq");
        if (from == head.floor() && firstLive > from) {
          return raiseFloor(device, head, firstLive).map(envelopes);
        }
        return Future.succeededFuture(envelopes);
      });
    });
  }

  @Override
  public Future<Boolean> delete(DeviceKey device, long seq) {
    return deleteExisting(device, List.of(seq)).map(deleted -> !deleted.isEmpty());
  }

  @Override
  public Future<Void> deleteAll(DeviceKey device, List<Long> seqs) {
    return deleteExisting(device, seqs).mapEmpty();
  }

  @Override
  public Future<List<Envelope>> deleteThenAppend(DeviceKey device, List<Long> seqs,
      Function<List<Long>, List<Envelope>> receiptsFor) {
    return deleteExisting(device, seqs).compose(deleted -> {
      List<Envelope> receipts = deleted.isEmpty() ? List.of() : receiptsFor.apply(deleted);
      return receipts.isEmpty() ? Future.succeededFuture(List.of()) : append(receipts);
    });
  }

  /**
   * Acks: one read of which of {@code seqs} are there (with their write times), then one batch of
   * plain deletes, each stamped after its row's write time; returns the seqs deleted, in {@code
   * seqs}' order. Two acks of one envelope at the same moment may both find it there (then both
   * make its receipt, which the sender takes once by message id); an ack after another finds
   * nothing. When a deleted position is a multiple of {@link #FLOOR_STRIDE}, the floor follows.
   */
  private Future<List<Long>> deleteExisting(DeviceKey device, List<Long> seqs) {
    List<Long> wanted = seqs.stream().filter(seq -> seq >= 1).distinct().toList();
    if (wanted.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return table.written(device, wanted).compose(written -> {
      List<Long> deleted = wanted.stream().filter(written::containsKey).toList();
      if (deleted.isEmpty()) {
        return Future.succeededFuture(deleted);
      }
      List<BatchableStatement<?>> deletes = new ArrayList<>(deleted.size());
      deleted.forEach(seq -> deletes.add(table.deleteAfter(device, seq, written.get(seq))));
      long stride = deleted.stream().filter(seq -> seq % FLOOR_STRIDE == 0).mapToLong(Long::longValue).max()
          .orElse(0);
      return cql.execute(Cql.batch(deletes))
          .compose(done -> stride == 0 ? Future.<Void>succeededFuture() : floorPast(device, stride))
          .map(deleted);
    });
  }

  /** Raises the floor past {@code seq}, just acked, unless it is there already. */
  private Future<Void> floorPast(DeviceKey device, long seq) {
    return table.head(device, false).compose(head -> head.isPresent() && head.get().floor() <= seq
        ? raiseFloor(device, head.get(), seq + 1)
        : Future.succeededFuture());
  }

  @Override
  public Future<Long> count(DeviceKey device) {
    return table.head(device, false).compose(head -> head.isEmpty()
        ? Future.succeededFuture(0L)
        : table.count(device, head.get().floor()));
  }

  /**
   * One conditional batch: the floor moves past last_seq (IF last_seq is still what was read) and a
   * range tombstone covers every row up to it. Envelopes appended meanwhile make the condition fail
   * and the clear try again; those appended after it stay.
   */
  @Override
  public Future<Void> clear(DeviceKey device) {
    return clears.submit(device, () -> CasLoop.run(cql, "clearing a queue", attempt ->
        table.head(device, attempt > 0).compose(found -> {
          if (found.isEmpty()) {
            return CasLoop.done(true);
          }
          long last = found.get().lastSeq();
          return cql.applied(Cql.batch(List.of(
                  table.floorIfLast(device, last + 1, last), table.deleteBelow(device, last + 1))))
              .compose(applied -> applied ? CasLoop.done(true) : CasLoop.lost());
        }))).mapEmpty();
  }

  /**
   * Walks every queue's head (one row per device) and each queue from its floor, deleting envelopes
   * accepted before {@code envelopesBefore} in conditional batches; then the dedupe records. The
   * TTL on envelopes does the same job continuously, so this sweep rarely finds much.
   */
  @Override
  public Future<Long> deleteExpired(long envelopesBefore, long dedupeBefore) {
    long[] deleted = {0};
    return cql.scan(table.devices(), devices -> expireDevices(devices, 0, envelopesBefore, deleted))
        .compose(v -> claims.deleteOlderThan(dedupeBefore))
        .map(v -> deleted[0]);
  }

  private Future<Void> expireDevices(List<Row> devices, int index, long before, long[] deleted) {
    if (index >= devices.size()) {
      return Future.succeededFuture();
    }
    Row row = devices.get(index);
    DeviceKey device = new DeviceKey(row.getString("number"), row.getInt("device"));
    return expireDevice(device, before, deleted)
        .compose(v -> expireDevices(devices, index + 1, before, deleted));
  }

  private Future<Void> expireDevice(DeviceKey device, long before, long[] deleted) {
    return table.head(device, false).compose(head -> head.isEmpty()
        ? Future.succeededFuture()
        : cql.scan(table.timestamps(device, head.get().floor()), page -> {
          List<Long> expired = new ArrayList<>();
          for (Row row : page) {
            if (row.getLong("server_timestamp") < before) {
              expired.add(row.getLong("seq"));
            }
          }
          return deleteRows(device, expired, 0, deleted);
        }));
  }

  /** Deletes the rows in batches anchored on the floor (rewritten unchanged) as their condition. */
  private Future<Void> deleteRows(DeviceKey device, List<Long> seqs, int from, long[] deleted) {
    if (from >= seqs.size()) {
      return Future.succeededFuture();
    }
    List<Long> chunk = seqs.subList(from, Math.min(seqs.size(), from + EXPIRY_BATCH));
    return CasLoop.run(cql, "deleting expired envelopes", attempt ->
            table.head(device, attempt > 0).compose(head -> {
              if (head.isEmpty()) {
                return CasLoop.done(0);
              }
              Long floor = head.get().floorCell();
              List<BatchableStatement<?>> statements = new ArrayList<>();
              statements.add(table.floorIfFloor(device, floor, floor));
              chunk.forEach(seq -> statements.add(table.deleteRow(device, seq)));
              return cql.applied(Cql.batch(statements))
                  .compose(applied -> applied ? CasLoop.done(chunk.size()) : CasLoop.lost());
            }))
        .compose(count -> {
          deleted[0] += count;
          return deleteRows(device, seqs, from + EXPIRY_BATCH, deleted);
        });
  }

  /**
   * Moves the floor from the head's up to {@code upTo} at most, with a range tombstone below it (IF
   * the floor is still the one read). What was read before ran at the configured level, which may
   * have missed rows that one replica lacks; a serial read of the span finds the first row a quorum
   * holds, and the floor stops there. Best effort: losing the race or failing only means a later
   * read or ack does it.
   */
  private Future<Void> raiseFloor(DeviceKey device, QueueTable.Head head, long upTo) {
    return table.firstBetween(device, head.floor(), upTo)
        .compose(found -> {
          long floor = found.orElse(upTo);
          return floor <= head.floor()
              ? Future.succeededFuture(false)
              : cql.applied(Cql.batch(List.of(
                  table.floorIfFloor(device, floor, head.floorCell()), table.deleteBelow(device, floor))));
        })
        .transform(ar -> {
          if (ar.failed()) {
            log.warn("{} - could not raise the queue floor past {}: {}", device, head.floor(),
                ar.cause().getMessage());
          }
          return Future.succeededFuture();
        });
  }
}
