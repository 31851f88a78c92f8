package org.sealpost.store.cassandra;

import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sealpost.api.DeviceKey;
import org.sealpost.protocol.Envelope;

/**
 * The statements of the {@code queue} table (see {@link CassandraMessageQueueStore} for the design):
 * one partition per device, the head row at seq 0, envelopes from seq 1. Appends are plain
 * single-partition batches (rows and the head's last_seq); floor moves and clears are conditional
 * batches anchored on the head row's floor; an ack is a plain delete stamped after the write time
 * of the row it deletes.
 */
final class QueueTable {
  private enum Statement {
    @Cql.Text("SELECT last_seq, floor FROM ${keyspace}.queue WHERE number = ? AND device = ? AND seq = 0")
    HEAD,
    @Cql.Text("SELECT seq, envelope FROM ${keyspace}.queue WHERE number = ? AND device = ? AND seq >= ?"
        + " LIMIT ?")
    ENVELOPES,
    @Cql.Text("SELECT seq FROM ${keyspace}.queue WHERE number = ? AND device = ? AND seq >= ? AND seq < ?"
        + " LIMIT 1")
    FIRST_BETWEEN,
    @Cql.Text("SELECT COUNT(*) FROM ${keyspace}.queue WHERE number = ? AND device = ? AND seq >= ?")
    COUNT,
    @Cql.Text("UPDATE ${keyspace}.queue SET last_seq = ? WHERE number = ? AND device = ? AND seq = 0")
    SET_LAST,
    @Cql.Text("INSERT INTO ${keyspace}.queue (number, device, seq, server_timestamp, envelope)"
        + " VALUES (?, ?, ?, ?, ?) USING TTL ?")
    PUT,
    @Cql.Text("SELECT seq, WRITETIME(server_timestamp) AS stamped, WRITETIME(envelope) AS written"
        + " FROM ${keyspace}.queue WHERE number = ? AND device = ? AND seq IN ?")
    WRITTEN,
    @Cql.Text("DELETE FROM ${keyspace}.queue USING TIMESTAMP ? WHERE number = ? AND device = ? AND seq = ?")
    DELETE_AFTER,
    @Cql.Text("DELETE FROM ${keyspace}.queue WHERE number = ? AND device = ? AND seq = ?")
    DELETE_ROW,
    @Cql.Text("UPDATE ${keyspace}.queue SET floor = ? WHERE number = ? AND device = ? AND seq = 0"
        + " IF floor = ?")
    FLOOR_IF_FLOOR,
    @Cql.Text("DELETE FROM ${keyspace}.queue WHERE number = ? AND device = ? AND seq > 0 AND seq < ?")
    DELETE_BELOW,
    @Cql.Text("SELECT seq, server_timestamp FROM ${keyspace}.queue WHERE number = ? AND device = ?"
        + " AND seq >= ?")
    TIMESTAMPS,
    @Cql.Text("SELECT DISTINCT number, device FROM ${keyspace}.queue")
    DEVICES,
    @Cql.Text("UPDATE ${keyspace}.queue USING TTL ? SET last_seq = ?, floor = ? WHERE number = ? AND device = ?"
        + " AND seq = 0 IF floor = ?")
    EXPIRE_HEAD
  }

  /**
   * A device's head row.
   *
   * @param lastSeq the last position written, as the head records it (0: none yet); it may lag the
   *     true last position a little when nodes' clocks disagree, so reads do not stop at it
   * @param floorCell the stored floor, null when never set: the value a condition on it must name
   */
  record Head(long lastSeq, Long floorCell) {
    /** No envelope below this is left, so reads start here. */
    long floor() {
      return floorCell == null ? 1 : Math.max(1, floorCell);
    }
  }

  /** How far ahead of this node's clock a delete without a read is stamped (see {@link #deleteBlind}). */
  static final Duration BLIND_DELETE_AHEAD = Duration.ofDays(1);

  /** How long a purged queue's head outlives it: past every delete stamped ahead of the clock. */
  static final Duration PURGED_HEAD_TTL = BLIND_DELETE_AHEAD.multipliedBy(2);

  private final Cql cql;
  private final int envelopeTtlSeconds;
  private final Statements<Statement> statements;

  private QueueTable(Cql cql, Statements<Statement> statements) {
    this.cql = cql;
    this.envelopeTtlSeconds = (int) cql.options().queueTtl().toSeconds();
    this.statements = statements;
  }

  static Future<QueueTable> prepare(Cql cql) {
    return cql.prepareAll(Statement.class)
        .map(statements -> new QueueTable(cql, statements));
  }

  Cql cql() {
    return cql;
  }

  Future<Optional<Head>> head(DeviceKey device, boolean serial) {
    return cql.row(statements.bindDevice(Statement.HEAD, device), serial).map(row -> row.map(r -> new Head(
        r.isNull("last_seq") ? 0 : r.getLong("last_seq"),
        r.isNull("floor") ? null : r.getLong("floor"))));
  }

  /** Up to {@code limit} envelope rows (seq, envelope) from position {@code from} on. */
  Future<List<Row>> envelopes(DeviceKey device, long from, int limit) {
    return cql.rows(statements.bindDevice(Statement.ENVELOPES, device, from, limit)
        .setPageSize(Math.min(limit, 5_000)));
  }

  /**
   * The first envelope position in [{@code from}, {@code to}), read at the serial level: what a
   * quorum holds, whatever the configured level, so a floor is never raised past a row that one
   * replica has not seen yet.
   */
  Future<Optional<Long>> firstBetween(DeviceKey device, long from, long to) {
    return cql.row(statements.bindDevice(Statement.FIRST_BETWEEN, device, from, to)
            .setConsistencyLevel(cql.serial()))
        .map(row -> row.map(r -> r.getLong("seq")));
  }

  Future<Long> count(DeviceKey device, long from) {
    return cql.row(statements.bindDevice(Statement.COUNT, device, from))
        .map(row -> row.map(r -> r.getLong(0)).orElse(0L));
  }

  /** Records {@code last} as the last position written (a plain write, beside the rows). */
  BoundStatement setLast(DeviceKey device, long last) {
    return statements.bind(Statement.SET_LAST, last, device.number(), device.deviceId());
  }

  /** Inserts a positioned envelope, with the queue's TTL. */
  BoundStatement put(DeviceKey device, Envelope positioned) {
    return statements.bindDevice(Statement.PUT, device, positioned.getSeq(), positioned.getServerTimestamp(),
        Protos.blob(positioned), envelopeTtlSeconds);
  }

  /** The latest write time (µs, as stamped) of each envelope at {@code seqs} that is there, by seq. */
  Future<Map<Long, Long>> written(DeviceKey device, List<Long> seqs) {
    return cql.rows(statements.bindDevice(Statement.WRITTEN, device, seqs)).map(rows -> {
      Map<Long, Long> written = new HashMap<>();
      for (Row row : rows) {
        written.put(row.getLong("seq"), Math.max(row.getLong("stamped"), row.getLong("written")));
      }
      return written;
    });
  }

  /**
   * Deletes one envelope with a timestamp after {@code writtenMicros}, the row's own write time:
   * rows are stamped by the clock of the node that appended them, and a delete stamped by a clock
   * behind that one would silently not delete. A position is never written again, so a stamp
   * ahead of the clock shadows nothing else.
   */
  BoundStatement deleteAfter(DeviceKey device, long seq, long writtenMicros) {
    return deleteStamped(device, seq, Math.max(writtenMicros + 1, System.currentTimeMillis() * 1000));
  }

  /**
   * Deletes one envelope without knowing its write time, stamped {@link #BLIND_DELETE_AHEAD} ahead
   * of this node's clock: after the write of any row appended by a node whose clock is less far
   * ahead than that (and a position is never written again).
   */
  BoundStatement deleteBlind(DeviceKey device, long seq) {
    return deleteStamped(device, seq, (System.currentTimeMillis() + BLIND_DELETE_AHEAD.toMillis()) * 1000);
  }

  private BoundStatement deleteStamped(DeviceKey device, long seq, long stampMicros) {
    return statements.bind(Statement.DELETE_AFTER, stampMicros, device.number(), device.deviceId(), seq);
  }

  /** Deletes one envelope, inside a conditional batch. */
  BoundStatement deleteRow(DeviceKey device, long seq) {
    return statements.bindDevice(Statement.DELETE_ROW, device, seq);
  }

  /**
   * Sets the floor to {@code floor} if it still is {@code expectedCell}; with both the same it only
   * anchors a batch of deletes as a lightweight transaction.
   */
  BoundStatement floorIfFloor(DeviceKey device, Long floor, Long expectedCell) {
    return statements.bind(Statement.FLOOR_IF_FLOOR, floor, device.number(), device.deviceId(), expectedCell);
  }

  /** A range tombstone over every envelope row below {@code floor} (never the head). */
  BoundStatement deleteBelow(DeviceKey device, long floor) {
    return statements.bindDevice(Statement.DELETE_BELOW, device, floor);
  }

  /** Rows (seq, server_timestamp) from position {@code from} on, to page through. */
  BoundStatement timestamps(DeviceKey device, long from) {
    return statements.bindDevice(Statement.TIMESTAMPS, device, from).setPageSize(1_000);
  }

  /** Every device with a queue (number, device), to page through; reads only head rows. */
  /**
   * Rewrites the head of a cleared queue with a TTL, conditional on its floor as read: the head row
   * (written by updates, so with no row marker) then expires as a whole.
   */
  BoundStatement expireHead(DeviceKey device, long lastSeq, long floor, Long floorCell) {
    return statements.bind(Statement.EXPIRE_HEAD, (int) PURGED_HEAD_TTL.toSeconds(), lastSeq, floor,
        device.number(), device.deviceId(), floorCell);
  }

  BoundStatement devices() {
    return statements.bind(Statement.DEVICES).setPageSize(500);
  }
}
