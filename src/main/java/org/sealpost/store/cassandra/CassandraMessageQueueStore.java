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
import org.sealpost.api.DeviceKey;
import org.sealpost.protocol.Envelope;
import org.sealpost.store.MessageQueueStore;
import org.sealpost.store.QueueTurns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Device queues in Cassandra: one partition of the {@code queue} table per device.
 *
 * <h2>Positions</h2>
 * Row seq = 0 of a partition is the device's head; it holds {@code last_seq}, the last position
 * written, and {@code floor}, and is never deleted. Positions come from the device's turn ({@link
 * QueueTurns}, a counter in Redis), and an append writes its rows together with last_seq as one
 * plain single-partition batch while holding the turn ({@link QueueAppender}): one writer per
 * device at a time, so rows become visible in position order and a reader never sees L + 2
 * without L + 1; one counter, so positions keep increasing across acks, clears and restarts. A
 * batch that fails leaves its positions unused, a gap a reader cannot tell from acked rows, which
 * is what it is to the reader. Appends to one device are lined up and combined per node, so a
 * device costs one turn per batch under load. An append's future completes once its batch is
 * written at the configured consistency level, that is in the commit log of that many replicas.
 *
 * <h2>Acks without the tombstone queue</h2>
 * Deleting delivered rows from the front of a partition and reading "the first N rows" is the
 * classic Cassandra anti-pattern: every read scans the tombstones of everything acked before, until
 * compaction drops them after gc_grace_seconds, and reads slow down, then fail. Here the head also
 * holds {@code floor}: every envelope below it is gone. Reads slice from {@code max(afterSeq + 1,
 * floor)}, never from the partition start. The floor is raised, with a range tombstone over the
 * rows below it, in one conditional batch, by a read from the floor that finds its first live row
 * above it, and by every ack of a position that is a multiple of {@link #FLOOR_STRIDE}; a serial
 * read first confirms the span below the new floor is empty (which sees every envelope whose
 * write a quorum has: with several replicas, envelopes must be written at a quorum level for a
 * floor move never to cover one). So a read scans the tombstones of at
 * most about {@link #FLOOR_STRIDE} acks plus those acked out of order, however long the queue has
 * been in use, and compaction can drop the row tombstones the range tombstone shadows. {@code
 * count} also starts at the floor. Envelopes carry a TTL (queueTtl), which expires them the same
 * way.
 *
 * <h2>Which writes are Paxos</h2>
 * Clears and floor moves (at most one per {@link #FLOOR_STRIDE} acks) are conditional batches on
 * the head row's floor, and seeding a device's counter reads its head at the serial level. Nothing
 * else: not appends (above), not the dedupe claim ({@link DedupeClaims}), not acks. Acks on the
 * message path ({@link #deleteAll}, {@link #deleteThenAppend}) read nothing: their deletes are
 * stamped a day ahead of this node's clock, since rows are stamped by the clock of the node that
 * appended them and a delete stamped by a clock behind it would silently not delete. A position
 * is never written again, so a stamp ahead of the clock shadows nothing else. So {@link
 * #deleteThenAppend} makes receipts of every seq acked, not only of those still there. Only
 * {@link #delete}, which answers whether its envelope was there, reads it first (with its write
 * time) and stamps its delete one microsecond after it.
 *
 * <h2>Differences from the embedded store</h2>
 * A multi-device {@link #append} is atomic per device, not across devices: Cassandra has no
 * conditional batch across partitions. If one device's batch fails, the others' may be stored, and
 * the call fails. {@link #appendOnce} orders the dedupe claim before the envelopes (see {@link
 * DedupeClaims}) so such a failure releases the claim and the client's retry stores the message
 * again (possibly twice on some devices) rather than losing it. {@link #deleteThenAppend} makes
 * receipts of every seq acked, whether or not it was still there. {@link #deleteExpired} counts the
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
  private final QueueTurns turns;
  private final Cql cql;

  CassandraMessageQueueStore(QueueTable table, DedupeClaims claims, QueueTurns turns) {
    this.table = table;
    this.appender = new QueueAppender(table, turns);
    this.claims = claims;
    this.turns = turns;
    this.cql = table.cql();
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
    return appendOnce(key, serverTimestamp, envelopes, false);
  }

  @Override
  public Future<AppendResult> appendOnce(DedupeKey key, long serverTimestamp, List<Envelope> envelopes,
      boolean firstAttempt) {
    List<Envelope> copy = List.copyOf(envelopes);
    return claims.claim(key, serverTimestamp, firstAttempt).compose(claim -> {
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
    return deleteBlind(device, seqs).mapEmpty();
  }

  /**
   * Deletes without reading which of {@code seqs} are there, like {@link #deleteAll}, then appends
   * the receipts of every seq acked: the caller acks only envelopes it delivered. Knowing which
   * were still there would cost a read per ack; without it a repeated ack (a device's two
   * connections acking one envelope that both were sent) makes a second receipt, which the
   * sender's devices take once by message id.
   */
  @Override
  public Future<List<Envelope>> deleteThenAppend(DeviceKey device, List<Long> seqs,
      Function<List<Long>, List<Envelope>> receiptsFor) {
    return deleteBlind(device, seqs).compose(deleted -> {
      List<Envelope> receipts = deleted.isEmpty() ? List.of() : receiptsFor.apply(deleted);
      return receipts.isEmpty() ? Future.succeededFuture(List.of()) : append(receipts);
    });
  }

  /** One batch of deletes stamped ahead of the clock, without a read; returns the seqs deleted. */
  private Future<List<Long>> deleteBlind(DeviceKey device, List<Long> seqs) {
    List<Long> wanted = seqs.stream().filter(seq -> seq >= 1).distinct().toList();
    if (wanted.isEmpty()) {
      return Future.succeededFuture(wanted);
    }
    List<BatchableStatement<?>> deletes = new ArrayList<>(wanted.size());
    wanted.forEach(seq -> deletes.add(table.deleteBlind(device, seq)));
    return cql.execute(Cql.batch(deletes)).compose(done -> floorPastStride(device, wanted)).map(wanted);
  }

  /**
   * An ack that answers whether its envelopes were there ({@link #delete}): one read of which of
   * {@code seqs} are there (with their write times), then one batch of plain deletes, each stamped
   * after its row's write time; returns the seqs deleted, in {@code seqs}' order.
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
      return cql.execute(Cql.batch(deletes)).compose(done -> floorPastStride(device, deleted)).map(deleted);
    });
  }

  /** When a deleted position is a multiple of {@link #FLOOR_STRIDE}, the floor follows it. */
  private Future<Void> floorPastStride(DeviceKey device, List<Long> deleted) {
    long stride = deleted.stream().filter(seq -> seq % FLOOR_STRIDE == 0).mapToLong(Long::longValue).max()
        .orElse(0);
    return stride == 0 ? Future.succeededFuture() : floorPast(device, stride);
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
   * Holding the device's turn, so nothing is being appended: one conditional batch moves the floor
   * past the last position given out (IF the floor is still what was read, as a floor raised
   * meanwhile makes it try again) and puts a range tombstone over every row up to it. Envelopes
   * appended after it stay.
   */
  @Override
  public Future<Void> clear(DeviceKey device) {
    return appender.inTurn(device, 0, last -> CasLoop.run(cql, "clearing a queue", attempt ->
        table.head(device, attempt > 0).compose(found -> {
          if (found.isEmpty() || found.get().floor() > last) {
            return CasLoop.done(true);
          }
          Long floorCell = found.get().floorCell();
          return cql.applied(Cql.batch(List.of(
                  table.floorIfFloor(device, last + 1, floorCell), table.deleteBelow(device, last + 1))))
              .compose(applied -> applied ? CasLoop.done(true) : CasLoop.lost());
        }))).mapEmpty();
  }

  /**
   * Clears the queue, then gives the head row a TTL ({@link QueueTable#PURGED_HEAD_TTL}) and
   * forgets the turn's counter. The head cannot go at once: acks left deletes stamped up to {@link
   * QueueTable#BLIND_DELETE_AHEAD} ahead of the clock at this queue's positions, so a new queue of
   * the device key (the number registered again) must be seeded from the head past them until
   * they are in the past. Then the head expires, and a later queue may start from position 1.
   */
  @Override
  public Future<Void> purge(DeviceKey device) {
    return clear(device)
        .compose(cleared -> appender.inTurn(device, 0, last -> CasLoop.run(cql, "purging a queue", attempt ->
            table.head(device, true).compose(found -> found.isEmpty()
                ? CasLoop.done(true)
                : cql.applied(table.expireHead(device, Math.max(last, found.get().lastSeq()), found.get().floor(),
                        found.get().floorCell()))
                    .compose(applied -> applied ? CasLoop.done(true) : CasLoop.lost())))))
        .compose(v -> turns.forget(device));
  }

  @Override
  public Future<Void> forgetSends(String number) {
    return claims.forgetSendsOf(number);
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
