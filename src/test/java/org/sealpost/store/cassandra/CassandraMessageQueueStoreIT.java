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
import org.sealpost.api.DeviceKey;
import org.sealpost.protocol.Envelope;
import org.sealpost.store.MessageQueueStore.AppendResult;
import org.sealpost.store.MessageQueueStore;
import org.sealpost.store.MessageQueueStoreContract;
import org.sealpost.store.PendingSends;
import org.sealpost.store.QueueTurns;

@Tag("external")
class CassandraMessageQueueStoreIT extends MessageQueueStoreContract {
  @RegisterExtension
  static final CassandraKeyspace keyspace = new CassandraKeyspace("queue", "queue", "dedupe");

  private static final Pattern TRACED_READ = Pattern.compile("Read (\\d+) live rows and (\\d+) tombstone cells");

  private static final DeviceKey ALICE_DEVICE = new DeviceKey(ALICE, 1);

  private CassandraStores stores;
  private CassandraStores otherNode;

  @Override
  protected MessageQueueStore newStore(Vertx vertx) {
    stores = keyspace.openEmpty(vertx);
    return stores.messages();
  }

  /** Acks with receipts delete without a read (see CassandraMessageQueueStore). */
  @Override
  protected boolean acksTellWhatWasThere() {
    return false;
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

  /** Two nodes do not line their appends up with each other: only the device's turn does. */
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

  /**
   * Sends, deliveries, acks and receipts cost no Paxos round: sends claim their message id in
   * Redis, appends write under the device's turn, acks are plain deletes. (The stride's floor move is the one Paxos an ack may make, so
   * the acks here stay below it; a device's first append reads its head at the serial level to
   * seed the counter, once for as long as Redis keeps it.)
   */
  @Test
  void appendsAcksAndReceiptsRunNoPaxos() {
    for (DeviceKey device : List.of(BOB_1, BOB_2, ALICE_DEVICE)) {
      await(store.append(List.of(envelope(device, "first", NOW))));
      await(store.delete(device, 1));
    }
    long before = stores.cql().paxosRounds();
    for (int i = 0; i < 20; i++) {
      await(store.appendOnce(dedupeKey("m" + i), NOW,
          List.of(envelope(BOB_1, "m" + i, NOW), envelope(BOB_2, "m" + i, NOW))));
    }
    assertThat(seqs(await(store.read(BOB_1, 1, 100)))).hasSize(20);
    for (long seq = 2; seq <= 21; seq++) {
      await(store.deleteThenAppend(BOB_1, List.of(seq), seqs -> List.of(envelope(ALICE_DEVICE, "receipt", NOW))));
    }
    await(store.deleteAll(BOB_2, LongStream.rangeClosed(2, 21).boxed().toList()));

    assertThat(await(store.count(ALICE_DEVICE))).isEqualTo(20);
    assertThat(stores.cql().paxosRounds() - before).isZero();
  }

  /**
   * A counter Redis lost (or let expire) is seeded from the head row past every position written
   * so far, with a margin: the next append comes after the old ones, and reads find them in order.
   */
  @Test
  void aLostCounterIsSeededPastThePositionsWritten(Vertx vertx) {
    await(store.append(List.of(envelope(BOB_1, "a", NOW), envelope(BOB_1, "b", NOW))));
    // Another node with a Redis that knows nothing: what a Redis restart without persistence leaves.
    otherNode = keyspace.openForgettingTurns(vertx);

    List<Envelope> appended = await(otherNode.messages().append(List.of(envelope(BOB_1, "c", NOW))));

    assertThat(seqs(appended)).containsExactly(2 + QueueAppender.SEED_MARGIN + 1);
    assertThat(contents(await(otherNode.messages().read(BOB_1, 0, 10)))).containsExactly("a", "b", "c");
  }

  /**
   * A node that dies holding a device's turn holds it up for one lease, no longer: the next
   * append waits, then writes after the dead holder's positions, and the dead holder, had it only
   * been slow, learns its turn ran out.
   */
  @Test
  void aTurnHeldByADeadNodeEndsWithItsLease() {
    await(store.append(List.of(envelope(BOB_1, "a", NOW))));
    QueueTurns turns = keyspace.coordination().turns();
    QueueTurns.Turn dead = await(turns.take(BOB_1, "dead-node", 3, -1));
    assertThat(dead).isEqualTo(new QueueTurns.Turn(QueueTurns.Status.TAKEN, 1));

    long started = System.nanoTime();
    List<Envelope> appended = await(store.append(List.of(envelope(BOB_1, "b", NOW))));

    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .as("waited for the lease").isGreaterThanOrEqualTo(turns.lease().minusMillis(500));
    assertThat(seqs(appended)).containsExactly(5L);
    assertThat(await(turns.give(BOB_1, "dead-node", 4))).isFalse();
    assertThat(contents(await(store.read(BOB_1, 0, 10)))).containsExactly("a", "b");
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
    await(store.append(List.of(envelope(BOB_1, "a", NOW), envelope(BOB_1, "b", NOW), envelope(BOB_1, "c", NOW))));
    long anHourAhead = (System.currentTimeMillis() + 3_600_000) * 1000;
    await(stores.cql().execute(SimpleStatement.newInstance("UPDATE " + keyspace.options().keyspace()
        + ".queue USING TIMESTAMP ? SET server_timestamp = ? WHERE number = ? AND device = ? AND seq = 1",
        anHourAhead, NOW, BOB, 1)));

    assertThat(await(store.delete(BOB_1, 1))).isTrue();
    assertThat(contents(await(store.read(BOB_1, 0, 10)))).containsExactly("b", "c");
    assertThat(await(store.delete(BOB_1, 1))).as("a repeated ack").isFalse();

    await(stores.cql().execute(SimpleStatement.newInstance("UPDATE " + keyspace.options().keyspace()
        + ".queue USING TIMESTAMP ? SET server_timestamp = ? WHERE number = ? AND device = ? AND seq = 2",
        anHourAhead, NOW, BOB, 1)));
    await(store.deleteAll(BOB_1, List.of(2L)));
    assertThat(contents(await(store.read(BOB_1, 0, 10)))).as("an ack without an answer deletes it too")
        .containsExactly("c");

    await(stores.cql().execute(SimpleStatement.newInstance("UPDATE " + keyspace.options().keyspace()
        + ".queue USING TIMESTAMP ? SET server_timestamp = ? WHERE number = ? AND device = ? AND seq = 3",
        anHourAhead, NOW, BOB, 1)));
    await(store.deleteThenAppend(BOB_1, List.of(3L), seqs -> List.of(envelope(ALICE_DEVICE, "receipt", NOW))));
    assertThat(await(store.read(BOB_1, 0, 10))).as("an ack with a receipt deletes it too").isEmpty();
    assertThat(contents(await(store.read(ALICE_DEVICE, 0, 10)))).containsExactly("receipt");
  }

  /**
   * A purged queue leaves only its head, which expires once every ack's delete stamped ahead of the
   * clock is in the past; until then a new queue of the device key (the number registered again,
   * Redis's counter forgotten) is seeded from it, past every position the old queue used.
   */
  @Test
  void aPurgedQueuesHeadExpiresAndANewQueueStartsPastItsPositions() {
    List<Envelope> old = await(store.append(List.of(envelope(BOB_1, "a", NOW), envelope(BOB_1, "b", NOW))));
    await(store.deleteAll(BOB_1, List.of(old.get(1).getSeq()))); // a delete stamped a day ahead

    await(store.purge(BOB_1));

    List<Row> rows = await(stores.cql().rows(SimpleStatement.newInstance("SELECT seq, TTL(last_seq) FROM "
        + keyspace.options().keyspace() + ".queue WHERE number = ? AND device = ?", BOB, 1)));
    assertThat(rows).singleElement().satisfies(head -> {
      assertThat(head.getLong(0)).isZero();
      assertThat((long) head.getInt(1)).isBetween(QueueTable.PURGED_HEAD_TTL.toSeconds() - 60,
          QueueTable.PURGED_HEAD_TTL.toSeconds());
    });
    List<Envelope> fresh = await(store.append(List.of(envelope(BOB_1, "c", NOW))));
    assertThat(fresh.get(0).getSeq()).isGreaterThan(old.get(1).getSeq());
    assertThat(contents(await(store.read(BOB_1, 0, 10)))).containsExactly("c");
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

  /** A claim whose send died lapses, so the retry is stored. */
  @Test
  void aClaimLeftPendingByADeadSendLapses() {
    PendingSends sends = keyspace.coordination().sends();
    assertThat(await(sends.claim(DedupeClaims.pendingKey(dedupeKey("m1")), "dead-send", Duration.ofMillis(300))).won())
        .isTrue();

    AppendResult retry = await(store.appendOnce(dedupeKey("m1"), NOW, List.of(envelope(BOB_1, "a", NOW))));

    assertThat(retry.duplicate()).isFalse();
    assertThat(retry.serverTimestamp()).isEqualTo(NOW);
    assertThat(contents(await(store.read(BOB_1, 0, 10)))).containsExactly("a");
    assertThat(await(store.appendOnce(dedupeKey("m1"), NOW + 1, List.of())))
        .isEqualTo(new AppendResult(NOW, true, List.of()));
  }

  /**
   * A node that stops with claims held (one send stored, its claim kept as usual; one cut short
   * before storing): retries on another node take both over at once, instead of waiting for the
   * claims to lapse, and the stored one still answers as a duplicate.
   */
  @Test
  void retriesTakeOverTheClaimsOfANodeThatStopped(Vertx vertx) {
    CassandraStores stopping = keyspace.open(vertx);
    assertThat(await(stopping.messages().appendOnce(dedupeKey("m1"), NOW, List.of(envelope(BOB_1, "a", NOW))))
        .duplicate()).isFalse();
    assertThat(await(keyspace.coordination().sends().claim(DedupeClaims.pendingKey(dedupeKey("m2")), "cut-short",
        DedupeClaims.TAKEOVER_AFTER)).won()).isTrue();
    await(keyspace.lastRedis().close());

    assertThat(await(store.appendOnce(dedupeKey("m1"), NOW + 1, List.of(envelope(BOB_1, "a", NOW + 1)))))
        .isEqualTo(new AppendResult(NOW, true, List.of()));
    long retried = System.nanoTime();
    AppendResult m2 = await(store.appendOnce(dedupeKey("m2"), NOW + 2, List.of(envelope(BOB_1, "b", NOW + 2))));
    assertThat(m2.duplicate()).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - retried)).as("no waiting for the claim")
        .isLessThan(DedupeClaims.PENDING_WAIT);
    assertThat(contents(await(store.read(BOB_1, 0, 10)))).containsExactly("a", "b");
  }

  /** A retry of a send still being stored waits for it and then answers a duplicate. */
  @Test
  void aRetryWaitsForAPendingClaimToBeStored() {
    PendingSends sends = keyspace.coordination().sends();
    String pending = DedupeClaims.pendingKey(dedupeKey("m1"));
    assertThat(await(sends.claim(pending, "first-send", Duration.ofMinutes(1))).won()).isTrue();
    CompletableFuture<AppendResult> retry = store
        .appendOnce(dedupeKey("m1"), NOW, List.of(envelope(BOB_1, "a", NOW)))
        .toCompletionStage().toCompletableFuture();
    // Still waiting a second later, many round trips after it found the claim pending (an answer
    // that did not wait, duplicate or not, would have come by then).
    assertThatThrownBy(() -> retry.get(1, TimeUnit.SECONDS))
        .as("the retry waits for the pending claim").isInstanceOf(TimeoutException.class);

    await(sends.stored(pending, NOW - 5, Duration.ofMinutes(1)));

    assertThat(await(io.vertx.core.Future.fromCompletionStage(retry)))
        .isEqualTo(new AppendResult(NOW - 5, true, List.of()));
    assertThat(await(store.count(BOB_1))).isZero();
  }

  /** Redis remembers stored sends for a minute; Cassandra's record answers retries after that. */
  @Test
  void aRetryAfterRedisForgotTheSendIsStillADuplicate(Vertx vertx) {
    AppendResult first = await(store.appendOnce(dedupeKey("m1"), NOW, List.of(envelope(BOB_1, "a", NOW))));
    otherNode = keyspace.openForgettingTurns(vertx);

    assertThat(await(otherNode.messages().appendOnce(dedupeKey("m1"), NOW + 1, List.of(envelope(BOB_1, "a", NOW)))))
        .isEqualTo(new AppendResult(first.serverTimestamp(), true, List.of()));
    assertThat(contents(await(otherNode.messages().read(BOB_1, 0, 10)))).containsExactly("a");
  }

  /**
   * A first attempt skips reading the dedupe record but still writes it, so a retry after Redis
   * forgot the send (another node, a Redis restart) finds it there.
   */
  @Test
  void aFirstAttemptsRecordAnswersARetryAfterRedisForgot(Vertx vertx) {
    AppendResult first = await(store.appendOnce(dedupeKey("m1"), NOW, List.of(envelope(BOB_1, "a", NOW)), true));
    assertThat(first.duplicate()).isFalse();
    otherNode = keyspace.openForgettingTurns(vertx);

    assertThat(await(otherNode.messages().appendOnce(dedupeKey("m1"), NOW + 1, List.of(envelope(BOB_1, "a", NOW)),
        false))).isEqualTo(new AppendResult(NOW, true, List.of()));
    assertThat(contents(await(otherNode.messages().read(BOB_1, 0, 10)))).containsExactly("a");
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
