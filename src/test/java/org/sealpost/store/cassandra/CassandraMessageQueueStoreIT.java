package org.sealpost.store.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sealpost.store.Awaits.await;
import static org.sealpost.store.Awaits.inParallel;

import com.datastax.oss.driver.api.core.cql.QueryTrace;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.cql.TraceEvent;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealpost.protocol.Envelope;
import org.sealpost.store.MessageQueueStore;
import org.sealpost.store.MessageQueueStore.AppendResult;
import org.sealpost.store.MessageQueueStoreContract;

@Tag("external")
class CassandraMessageQueueStoreIT extends MessageQueueStoreContract {
  @RegisterExtension
  static final CassandraKeyspace keyspace = new CassandraKeyspace("queue", "queue", "dedupe");

  private static final Pattern TRACED_READ = Pattern.compile("Read (\\d+) live rows and (\\d+) tombstone cells");

  private CassandraStores stores;
  private CassandraStores otherNode;

  @Override
  protected MessageQueueStore newStore(Vertx vertx) {
    stores = keyspace.openEmpty(vertx);
    return stores.messages();
  }


  /**
   * The tombstone-queue anti-pattern, and that reads avoid it: after acks, a slice from the start
   * of the partition scans the acks' tombstones; the store's read raises the floor past them, and a
   * slice from the floor scans none.
   */
  @Test
  void aReadRaisesTheFloorPastAckedEnvelopes() {
    await(store.append(IntStream.range(0, 100).mapToObj(i -> envelope(BOB_1, "m" + i, NOW)).toList()));
    for (long seq = 1; seq <= 60; seq++) {
      assertThat(await(store.delete(BOB_1, seq))).isTrue();
    }
    assertThat(tombstonesScanned(1)).isGreaterThanOrEqualTo(60);

    assertThat(seqs(await(store.read(BOB_1, 0, 5)))).containsExactly(61L, 62L, 63L, 64L, 65L);

    QueueTable.Head head = await(table().head(BOB_1, true)).orElseThrow();
    assertThat(head.floor()).isEqualTo(61);
    assertThat(tombstonesScanned(head.floor())).isZero();
    assertThat(await(store.count(BOB_1))).isEqualTo(40);
  }

  /** Acks raise the floor every FLOOR_STRIDE positions, so tombstones do not pile up between reads. */
  @Test
  void acksRaiseTheFloorEveryStridePositions() {
    int acked = 3 * CassandraMessageQueueStore.FLOOR_STRIDE + 8;
    await(store.append(IntStream.range(0, acked + 10).mapToObj(i -> envelope(BOB_1, "m" + i, NOW)).toList()));
    for (long seq = 1; seq <= acked; seq++) {
      assertThat(await(store.delete(BOB_1, seq))).isTrue();
    }

    QueueTable.Head head = await(table().head(BOB_1, true)).orElseThrow();
    assertThat(head.floor()).isEqualTo(3 * CassandraMessageQueueStore.FLOOR_STRIDE + 1);
    assertThat(tombstonesScanned(head.floor())).isEqualTo(8);
    assertThat(seqs(await(store.read(BOB_1, 0, 1)))).containsExactly(acked + 1L);
  }

  @Test
  void theFloorAlsoPassesAClearedQueue() {
    await(store.append(List.of(envelope(BOB_1, "a", NOW), envelope(BOB_1, "b", NOW))));
    await(store.clear(BOB_1));
    assertThat(await(table().head(BOB_1, true)).orElseThrow().floor()).isEqualTo(3);
    assertThat(seqs(await(store.append(List.of(envelope(BOB_1, "c", NOW)))))).containsExactly(3L);
    assertThat(contents(await(store.read(BOB_1, 0, 10)))).containsExactly("c");
  }

  /** Two nodes do not line their appends up with each other: only the compare-and-set decides. */
  @Test
  void appendsFromTwoNodesGetConsecutivePositions(Vertx vertx) {
    otherNode = keyspace.open(vertx);
    List<MessageQueueStore> nodes = List.of(store, otherNode.messages());
    List<List<Envelope>> appended =
        inParallel(40, i -> nodes.get(i % 2).append(List.of(envelope(BOB_1, "m" + i, NOW))));
    assertThat(appended.stream().flatMap(List::stream).map(Envelope::getSeq))
        .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 40).boxed().toList());
    assertThat(seqs(await(otherNode.messages().read(BOB_1, 0, 100))))
        .isEqualTo(LongStream.rangeClosed(1, 40).boxed().toList());
  }

  @Test
  void positionsAndDedupeRecordsSurviveAReconnect(Vertx vertx) {
    AppendResult first = await(store.appendOnce(dedupeKey("m1"), NOW,
        List.of(envelope(BOB_1, "a", NOW), envelope(BOB_1, "b", NOW))));
    await(stores.close());

    stores = keyspace.open(vertx);
    MessageQueueStore reopened = stores.messages();
    assertThat(await(reopened.read(BOB_1, 0, 10))).isEqualTo(first.stored());
    assertThat(await(reopened.appendOnce(dedupeKey("m1"), NOW + 1, List.of(envelope(BOB_1, "a", NOW)))))
        .isEqualTo(new AppendResult(NOW, true, List.of()));
    await(reopened.clear(BOB_1));
    assertThat(seqs(await(reopened.append(List.of(envelope(BOB_1, "c", NOW)))))).containsExactly(3L);
  }

  /**
   * Acks are plain deletes, not Paxos: one whose row was stamped ahead of this node's clock (a
   * coordinator clock ahead of it, or a Paxos timestamp) still deletes it, and a repeated ack
   * finds nothing.
   */
  @Test
  void anAckDeletesARowStampedAheadOfThisClock() {
    await(store.append(List.of(envelope(BOB_1, "a", NOW), envelope(BOB_1, "b", NOW))));
    long anHourAhead = (System.currentTimeMillis() + 3_600_000) * 1000;
    await(stores.cql().execute(SimpleStatement.newInstance("UPDATE " + keyspace.options().keyspace()
        + ".queue USING TIMESTAMP ? SET server_timestamp = ? WHERE number = ? AND device = ? AND seq = 1",
        anHourAhead, NOW, BOB, 1)));

    assertThat(await(store.delete(BOB_1, 1))).isTrue();
    assertThat(contents(await(store.read(BOB_1, 0, 10)))).containsExactly("b");
    assertThat(await(store.delete(BOB_1, 1))).as("a repeated ack").isFalse();
  }

  /**
   * Marking a claim stored is a plain write, not Paxos: stamped after the claim, it wins even when
   * the claim's cells were stamped ahead of this node's clock (a coordinator clock ahead of it).
   */
  @Test
  void aClaimStampedAheadOfThisClockIsStillMarkedStored() {
    DedupeClaims claims = await(DedupeClaims.prepare(stores.cql(), java.time.Clock.systemUTC()));
    DedupeClaims.Claim claim = await(claims.claim(dedupeKey("m1"), NOW));
    long anHourAhead = (System.currentTimeMillis() + 3_600_000) * 1000;
    await(stores.cql().execute(SimpleStatement.newInstance("UPDATE " + keyspace.options().keyspace()
            + ".dedupe USING TIMESTAMP ? SET owner = ?, stored = false"
            + " WHERE sender = ? AND destination = ? AND message_id = ?",
        anHourAhead, claim.owner(), ALICE, BOB, dedupeKey("m1").messageId().asReadOnlyByteBuffer())));

    await(claims.markStored(dedupeKey("m1"), claim));

    assertThat(await(store.appendOnce(dedupeKey("m1"), NOW + 1, List.of())))
        .isEqualTo(new AppendResult(NOW, true, List.of()));
  }

  @Test
  void envelopesAreWrittenWithTheQueueTtl() {
    await(store.append(List.of(envelope(BOB_1, "a", NOW))));
    Row row = await(stores.cql().row(SimpleStatement.newInstance(
        "SELECT TTL(envelope) FROM " + keyspace.options().keyspace()
            + ".queue WHERE number = ? AND device = ? AND seq = 1", BOB, 1))).orElseThrow();
    long ttl = keyspace.options().queueTtl().toSeconds();
    assertThat((long) row.getInt(0)).isBetween(ttl - 60, ttl);
  }

  /** A claim whose send died (pending for minutes) is taken over, so the retry is stored. */
  @Test
  void aClaimLeftPendingByADeadSendIsTakenOver() {
    long claimedAt = System.currentTimeMillis() - DedupeClaims.TAKEOVER_AFTER.toMillis() - 1_000;
    insertPendingClaim("m1", NOW - 5, claimedAt);

    AppendResult retry = await(store.appendOnce(dedupeKey("m1"), NOW, List.of(envelope(BOB_1, "a", NOW))));

    assertThat(retry.duplicate()).isFalse();
    assertThat(retry.serverTimestamp()).isEqualTo(NOW);
    assertThat(contents(await(store.read(BOB_1, 0, 10)))).containsExactly("a");
    assertThat(await(store.appendOnce(dedupeKey("m1"), NOW + 1, List.of())))
        .isEqualTo(new AppendResult(NOW, true, List.of()));
  }

  /** A retry of a send still being stored waits for it and then answers a duplicate. */
  @Test
  void aRetryWaitsForAPendingClaimToBeStored() {
    insertPendingClaim("m1", NOW - 5, System.currentTimeMillis());
    CompletableFuture<AppendResult> retry = store
        .appendOnce(dedupeKey("m1"), NOW, List.of(envelope(BOB_1, "a", NOW)))
        .toCompletionStage().toCompletableFuture();
    // Still waiting a second later, many round trips after it found the claim pending (an answer
    // that did not wait, duplicate or not, would have come by then).
    assertThatThrownBy(() -> retry.get(1, TimeUnit.SECONDS))
        .as("the retry waits for the pending claim").isInstanceOf(TimeoutException.class);

    await(stores.cql().execute(SimpleStatement.newInstance("UPDATE " + keyspace.options().keyspace()
        + ".dedupe SET stored = true WHERE sender = ? AND destination = ? AND message_id = ? IF EXISTS",
        ALICE, BOB, dedupeKey("m1").messageId().asReadOnlyByteBuffer())));

    assertThat(await(io.vertx.core.Future.fromCompletionStage(retry)))
        .isEqualTo(new AppendResult(NOW - 5, true, List.of()));
    assertThat(await(store.count(BOB_1))).isZero();
  }

  private void insertPendingClaim(String messageId, long serverTimestamp, long claimedAt) {
    await(stores.cql().execute(SimpleStatement.newInstance("INSERT INTO " + keyspace.options().keyspace()
            + ".dedupe (sender, destination, message_id, server_timestamp, owner, stored, claimed_at)"
            + " VALUES (?, ?, ?, ?, uuid(), false, ?) IF NOT EXISTS",
        ALICE, BOB, dedupeKey(messageId).messageId().asReadOnlyByteBuffer(), serverTimestamp, claimedAt)));
  }

  private QueueTable table() {
    return await(QueueTable.prepare(stores.cql()));
  }

  /**
   * The query's trace, once Cassandra has finished writing it. The driver looks 5 times, 3 ms
   * apart, then gives up; a loaded machine writes the trace later than that.
   */
  private static QueryTrace completeTrace(com.datastax.oss.driver.api.core.cql.ExecutionInfo info) {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        return info.getQueryTrace();
      } catch (IllegalStateException notYetComplete) {
        if (System.nanoTime() > deadline) {
          throw notYetComplete;
        }
      }
    }
  }

  /** Tombstones a traced slice of BOB_1's queue from {@code from} scanned. */
  private long tombstonesScanned(long from) {
    SimpleStatement slice = SimpleStatement.newInstance("SELECT seq FROM " + keyspace.options().keyspace()
            + ".queue WHERE number = ? AND device = ? AND seq >= ? LIMIT 5", BOB, 1, from)
        .setTracing(true)
        .setTimeout(Duration.ofSeconds(30));
    QueryTrace trace = completeTrace(await(stores.cql().execute(slice)).getExecutionInfo());
    long tombstones = -1;
    for (TraceEvent event : trace.getEvents()) {
      Matcher matcher = TRACED_READ.matcher(String.valueOf(event.getActivity()));
      if (matcher.find()) {
        tombstones = Math.max(tombstones, Long.parseLong(matcher.group(2)));
      }
    }
    assertThat(tombstones).as("a traced read count in %s", trace.getEvents().stream()
        .map(TraceEvent::getActivity).toList()).isNotNegative();
    return tombstones;
  }
}
