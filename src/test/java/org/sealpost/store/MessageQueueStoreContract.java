package org.sealpost.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;
import static org.sealpost.store.Awaits.inParallel;

import com.google.protobuf.ByteString;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sealpost.api.DeviceKey;
import org.sealpost.protocol.Envelope;
import org.sealpost.store.MessageQueueStore.AppendResult;
import org.sealpost.store.MessageQueueStore.DedupeKey;

/** What every {@link MessageQueueStore} must do; a backend's test extends this. */
@ExtendWith(VertxExtension.class)
public abstract class MessageQueueStoreContract {
  protected static final String ALICE = "+15550001111";
  protected static final String BOB = "+15550002222";
  protected static final DeviceKey BOB_1 = new DeviceKey(BOB, 1);
  protected static final DeviceKey BOB_2 = new DeviceKey(BOB, 2);
  protected static final long NOW = 1_700_000_000_000L;

  protected MessageQueueStore store;

  /** A new, empty store. The subclass releases what it opened (e.g. in an @AfterEach). */
  protected abstract MessageQueueStore newStore(Vertx vertx) throws Exception;

  /**
   * Whether {@link MessageQueueStore#deleteThenAppend} passes only the seqs that were there; a
   * store that does not passes every seq acked.
   */
  protected boolean acksTellWhatWasThere() {
    return true;
  }

  @BeforeEach
  void createStore(Vertx vertx) throws Exception {
    store = newStore(vertx);
  }

  protected static Envelope envelope(DeviceKey to, String content, long serverTimestamp) {
    return Envelope.newBuilder()
        .setType(Envelope.Type.MESSAGE)
        .setMessageId(ByteString.copyFromUtf8("id-" + content))
        .setSource(ALICE)
        .setSourceDevice(1)
        .setDestination(to.number())
        .setDestinationDevice(to.deviceId())
        .setServerTimestamp(serverTimestamp)
        .setContent(ByteString.copyFromUtf8(content))
        .build();
  }

  protected static DedupeKey dedupeKey(String messageId) {
    return new DedupeKey(ALICE, BOB, ByteString.copyFromUtf8(messageId));
  }

  protected static List<String> contents(List<Envelope> envelopes) {
    return envelopes.stream().map(e -> e.getContent().toStringUtf8()).toList();
  }

  protected static List<Long> seqs(List<Envelope> envelopes) {
    return envelopes.stream().map(Envelope::getSeq).toList();
  }

  @Test
  void appendAssignsConsecutiveSeqsPerDevice() {
    List<Envelope> stored =
        await(
            store.append(
                List.of(
                    envelope(BOB_1, "a", NOW),
                    envelope(BOB_2, "b", NOW),
                    envelope(BOB_1, "c", NOW))));
    assertThat(seqs(stored)).containsExactly(1L, 1L, 2L);
    assertThat(stored.get(0).toBuilder().clearSeq().build()).isEqualTo(envelope(BOB_1, "a", NOW));
    List<Envelope> more = await(store.append(List.of(envelope(BOB_1, "d", NOW))));
    assertThat(seqs(more)).containsExactly(3L);
    assertThat(await(store.read(BOB_1, 0, 10)))
        .isEqualTo(List.of(stored.get(0), stored.get(2), more.get(0)));
    assertThat(contents(await(store.read(BOB_2, 0, 10)))).containsExactly("b");
  }

  @Test
  void appendingNothingStoresNothing() {
    assertThat(await(store.append(List.of()))).isEmpty();
    assertThat(await(store.count(BOB_1))).isZero();
  }

  @Test
  void readPagesAfterASeq() {
    await(
        store.append(IntStream.range(0, 10).mapToObj(i -> envelope(BOB_1, "m" + i, NOW)).toList()));
    assertThat(seqs(await(store.read(BOB_1, 0, 3)))).containsExactly(1L, 2L, 3L);
    assertThat(seqs(await(store.read(BOB_1, 3, 3)))).containsExactly(4L, 5L, 6L);
    assertThat(seqs(await(store.read(BOB_1, 8, 100)))).containsExactly(9L, 10L);
    assertThat(await(store.read(BOB_1, 10, 100))).isEmpty();
    assertThat(await(store.read(BOB_1, 0, 0))).isEmpty();
    assertThat(await(store.read(new DeviceKey(BOB, 3), 0, 10))).isEmpty();
    assertThat(await(store.read(new DeviceKey(ALICE, 1), 0, 10))).isEmpty();
  }

  @Test
  void aThousandAppendsReadBackInSeqOrder() {
    List<Future<List<Envelope>>> appends = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      appends.add(store.append(List.of(envelope(BOB_1, "m" + i, NOW))));
    }
    List<Envelope> appended = new ArrayList<>();
    for (Future<List<Envelope>> append : appends) {
      appended.addAll(await(append));
    }
    assertThat(seqs(appended))
        .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 1_000).boxed().toList());
    List<Envelope> read = await(store.read(BOB_1, 0, 2_000));
    assertThat(seqs(read)).isEqualTo(LongStream.rangeClosed(1, 1_000).boxed().toList());
    assertThat(read).containsExactlyInAnyOrderElementsOf(appended);
    assertThat(await(store.count(BOB_1))).isEqualTo(1_000);
  }

  @Test
  void sequentialAppendsKeepTheirOrder() {
    for (int i = 0; i < 20; i++) {
      await(store.append(List.of(envelope(BOB_1, "m" + i, NOW))));
    }
    assertThat(contents(await(store.read(BOB_1, 0, 100))))
        .isEqualTo(IntStream.range(0, 20).mapToObj(i -> "m" + i).toList());
  }

  @Test
  void deleteAcksOneEnvelope() {
    await(store.append(List.of(envelope(BOB_1, "a", NOW), envelope(BOB_1, "b", NOW))));
    assertThat(await(store.delete(BOB_1, 1))).isTrue();
    assertThat(await(store.delete(BOB_1, 1))).isFalse();
    assertThat(await(store.delete(BOB_1, 99))).isFalse();
    assertThat(await(store.delete(BOB_2, 2))).isFalse();
    assertThat(contents(await(store.read(BOB_1, 0, 10)))).containsExactly("b");
    assertThat(await(store.count(BOB_1))).isEqualTo(1);
  }

  @Test
  void deleteThenAppendAppendsOnlyWhenItDeleted() {
    await(store.append(List.of(envelope(BOB_1, "m", NOW))));

    List<Envelope> receipt = await(store.deleteThenAppend(BOB_1, List.of(1L),
        deleted -> List.of(envelope(BOB_2, "receipt", NOW))));
    List<Envelope> again = await(store.deleteThenAppend(BOB_1, List.of(1L),
        deleted -> List.of(envelope(BOB_2, "receipt", NOW))));

    assertThat(contents(receipt)).containsExactly("receipt");
    assertThat(seqs(receipt)).containsExactly(1L);
    assertThat(await(store.count(BOB_1))).isZero();
    if (acksTellWhatWasThere()) {
      assertThat(again).isEmpty();
      assertThat(contents(await(store.read(BOB_2, 0, 10)))).containsExactly("receipt");
    } else {
      assertThat(contents(again)).as("a repeated ack's second receipt").containsExactly("receipt");
      assertThat(contents(await(store.read(BOB_2, 0, 10)))).containsExactly("receipt", "receipt");
    }
    assertThat(await(store.deleteThenAppend(BOB_2, List.of(1L, 2L), deleted -> List.of()))).isEmpty();
    assertThat(await(store.count(BOB_2))).isZero();
  }

  @Test
  void deleteThenAppendMakesReceiptsOfWhatWasThereOnly() {
    await(store.append(List.of(envelope(BOB_1, "a", NOW), envelope(BOB_1, "b", NOW), envelope(BOB_1, "c", NOW))));
    await(store.delete(BOB_1, 2));

    List<List<Long>> asked = new java.util.ArrayList<>();
    List<Envelope> receipts = await(store.deleteThenAppend(BOB_1, List.of(3L, 2L, 1L, 7L), deleted -> {
      asked.add(List.copyOf(deleted));
      return List.of(envelope(BOB_2, "receipt of " + deleted, NOW));
    }));

    List<Long> made = acksTellWhatWasThere() ? List.of(3L, 1L) : List.of(3L, 2L, 1L, 7L);
    assertThat(asked).containsExactly(made);
    assertThat(contents(receipts)).containsExactly("receipt of " + made);
    assertThat(await(store.count(BOB_1))).isZero();
    assertThat(contents(await(store.read(BOB_2, 0, 10)))).containsExactly("receipt of " + made);
    // Nothing acked moves the positions back, there or not.
    assertThat(seqs(await(store.append(List.of(envelope(BOB_1, "d", NOW)))))).containsExactly(4L);
  }

  @Test
  void deleteAllDeletesWhatIsThereAndPassesOverWhatIsNot() {
    await(store.append(List.of(envelope(BOB_1, "a", NOW), envelope(BOB_1, "b", NOW), envelope(BOB_1, "c", NOW),
        envelope(BOB_2, "d", NOW))));
    await(store.delete(BOB_1, 2));

    await(store.deleteAll(BOB_1, List.of(3L, 2L, 9L)));

    assertThat(contents(await(store.read(BOB_1, 0, 10)))).containsExactly("a");
    assertThat(contents(await(store.read(BOB_2, 0, 10)))).containsExactly("d");
    // Nothing deleted or skipped moves the positions back.
    assertThat(seqs(await(store.append(List.of(envelope(BOB_1, "e", NOW)))))).containsExactly(4L);
  }

  @Test
  void seqsKeepIncreasingAfterEverythingIsDeleted() {
    await(store.append(List.of(envelope(BOB_1, "a", NOW), envelope(BOB_1, "b", NOW))));
    await(store.delete(BOB_1, 1));
    await(store.delete(BOB_1, 2));
    assertThat(await(store.count(BOB_1))).isZero();
    assertThat(seqs(await(store.append(List.of(envelope(BOB_1, "c", NOW)))))).containsExactly(3L);
    await(store.clear(BOB_1));
    assertThat(seqs(await(store.append(List.of(envelope(BOB_1, "d", NOW)))))).containsExactly(4L);
  }

  @Test
  void clearEmptiesOneDevicesQueue() {
    await(store.append(List.of(envelope(BOB_1, "a", NOW), envelope(BOB_2, "b", NOW))));
    await(
        store.append(
            IntStream.range(0, 2_500).mapToObj(i -> envelope(BOB_1, "m" + i, NOW)).toList()));
    await(store.clear(BOB_1));
    assertThat(await(store.count(BOB_1))).isZero();
    assertThat(await(store.read(BOB_1, 0, 10))).isEmpty();
    assertThat(contents(await(store.read(BOB_2, 0, 10)))).containsExactly("b");
  }

  @Test
  void appendOnceStoresOnce() {
    AppendResult first =
        await(store.appendOnce(dedupeKey("m1"), NOW, List.of(envelope(BOB_1, "a", NOW))));
    assertThat(first.duplicate()).isFalse();
    assertThat(first.serverTimestamp()).isEqualTo(NOW);
    assertThat(seqs(first.stored())).containsExactly(1L);

    AppendResult again =
        await(store.appendOnce(dedupeKey("m1"), NOW + 5, List.of(envelope(BOB_1, "a", NOW + 5))));
    assertThat(again).isEqualTo(new AppendResult(NOW, true, List.of()));
    assertThat(await(store.count(BOB_1))).isEqualTo(1);

    AppendResult other =
        await(store.appendOnce(dedupeKey("m2"), NOW + 6, List.of(envelope(BOB_1, "b", NOW + 6))));
    assertThat(other.duplicate()).isFalse();
    assertThat(seqs(other.stored())).containsExactly(2L);
  }

  /** A client's first attempt at a key and its retries: stored once, whichever says it is first. */
  @Test
  void aFirstAttemptIsStoredOnceAndItsRetriesAreDuplicates() {
    List<AppendResult> firsts = inParallel(10,
        i -> store.appendOnce(dedupeKey("m1"), NOW + i, List.of(envelope(BOB_1, "a" + i, NOW + i)), true));
    List<AppendResult> stored = firsts.stream().filter(r -> !r.duplicate()).toList();
    assertThat(stored).hasSize(1);
    long accepted = stored.get(0).serverTimestamp();

    assertThat(await(store.appendOnce(dedupeKey("m1"), NOW + 20, List.of(envelope(BOB_1, "retry", NOW)), false)))
        .isEqualTo(new AppendResult(accepted, true, List.of()));
    assertThat(await(store.appendOnce(dedupeKey("m1"), NOW + 21, List.of(envelope(BOB_1, "retry", NOW)), true)))
        .as("a quick retry that wrongly says it is first").isEqualTo(new AppendResult(accepted, true, List.of()));
    assertThat(await(store.count(BOB_1))).isEqualTo(1);
  }

  @Test
  void dedupeKeysDifferBySenderAndDestination() {
    ByteString id = ByteString.copyFromUtf8("same");
    List<DedupeKey> keys =
        List.of(
            new DedupeKey(ALICE, BOB, id),
            new DedupeKey(BOB, ALICE, id),
            new DedupeKey(ALICE, ALICE, id));
    for (DedupeKey key : keys) {
      assertThat(await(store.appendOnce(key, NOW, List.of(envelope(BOB_1, "x", NOW)))).duplicate())
          .isFalse();
    }
  }

  @Test
  void concurrentAppendOnceWithOneKeyStoresOnce() {
    List<AppendResult> results =
        inParallel(
            20,
            i ->
                store.appendOnce(
                    dedupeKey("m1"),
                    NOW + i,
                    List.of(envelope(BOB_1, "a" + i, NOW + i), envelope(BOB_2, "b" + i, NOW + i))));
    List<AppendResult> stored = results.stream().filter(r -> !r.duplicate()).toList();
    assertThat(stored).hasSize(1);
    long winner = stored.get(0).serverTimestamp();
    assertThat(results).allSatisfy(r -> assertThat(r.serverTimestamp()).isEqualTo(winner));
    assertThat(results)
        .filteredOn(AppendResult::duplicate)
        .allSatisfy(r -> assertThat(r.stored()).isEmpty());
    assertThat(await(store.count(BOB_1))).isEqualTo(1);
    assertThat(await(store.count(BOB_2))).isEqualTo(1);
    assertThat(await(store.read(BOB_1, 0, 10))).containsExactly(stored.get(0).stored().get(0));
  }

  @Test
  void deleteExpiredRemovesOldEnvelopesAndDedupeRecords() {
    await(
        store.appendOnce(
            dedupeKey("old"), NOW - 2_000, List.of(envelope(BOB_1, "old", NOW - 2_000))));
    await(store.appendOnce(dedupeKey("new"), NOW, List.of(envelope(BOB_1, "new", NOW))));
    await(
        store.append(List.of(envelope(BOB_2, "old2", NOW - 2_000), envelope(BOB_2, "new2", NOW))));

    assertThat(await(store.deleteExpired(NOW - 1_000, NOW - 1_000))).isEqualTo(2);

    assertThat(contents(await(store.read(BOB_1, 0, 10)))).containsExactly("new");
    assertThat(contents(await(store.read(BOB_2, 0, 10)))).containsExactly("new2");
    assertThat(await(store.appendOnce(dedupeKey("old"), NOW, List.of())).duplicate()).isFalse();
    assertThat(await(store.appendOnce(dedupeKey("new"), NOW + 1, List.of())).duplicate()).isTrue();
    assertThat(await(store.deleteExpired(NOW - 1_000, NOW - 1_000))).isZero();
  }

  @Test
  void deleteExpiredKeepsDedupeRecordsLongerThanEnvelopes() {
    await(
        store.appendOnce(dedupeKey("m1"), NOW - 2_000, List.of(envelope(BOB_1, "a", NOW - 2_000))));
    assertThat(await(store.deleteExpired(NOW, NOW - 10_000))).isEqualTo(1);
    assertThat(await(store.count(BOB_1))).isZero();
    AppendResult retry =
        await(store.appendOnce(dedupeKey("m1"), NOW, List.of(envelope(BOB_1, "a", NOW))));
    assertThat(retry).isEqualTo(new AppendResult(NOW - 2_000, true, List.of()));
  }

  @Test
  void deleteExpiredWorksThroughManyPages() {
    await(
        store.append(
            IntStream.range(0, 2_500)
                .mapToObj(
                    i ->
                        envelope(
                            i % 2 == 0 ? BOB_1 : BOB_2, "m" + i, i < 2_000 ? NOW - 5_000 : NOW))
                .toList()));
    assertThat(await(store.deleteExpired(NOW - 1, 0))).isEqualTo(2_000);
    assertThat(await(store.count(BOB_1)) + await(store.count(BOB_2))).isEqualTo(500);
  }

  @Test
  void purgeEmptiesTheQueueAndALaterQueueOfTheDeviceStartsEmpty() {
    await(store.append(List.of(envelope(BOB_1, "a", NOW), envelope(BOB_1, "b", NOW), envelope(BOB_2, "c", NOW))));
    List<Envelope> first = await(store.read(BOB_1, 0, 10));
    await(store.delete(BOB_1, first.get(0).getSeq()));

    await(store.purge(BOB_1));

    assertThat(await(store.read(BOB_1, 0, 10))).isEmpty();
    assertThat(await(store.count(BOB_1))).isZero();
    assertThat(contents(await(store.read(BOB_2, 0, 10)))).containsExactly("c");
    // The number registered again: its device's new queue works and holds only what is new.
    List<Envelope> later = await(store.append(List.of(envelope(BOB_1, "d", NOW), envelope(BOB_1, "e", NOW))));
    assertThat(contents(await(store.read(BOB_1, 0, 10)))).containsExactly("d", "e");
    assertThat(later.get(1).getSeq()).isEqualTo(later.get(0).getSeq() + 1);
    await(store.delete(BOB_1, later.get(0).getSeq()));
    assertThat(contents(await(store.read(BOB_1, 0, 10)))).containsExactly("e");
  }

  @Test
  void forgetSendsForgetsSendsFromAndToTheNumberOnly() {
    DedupeKey fromAlice = dedupeKey("m1");
    DedupeKey toAlice = new DedupeKey(BOB, ALICE, ByteString.copyFromUtf8("m2"));
    DedupeKey others = new DedupeKey(BOB, "+15550003333", ByteString.copyFromUtf8("m3"));
    for (DedupeKey key : List.of(fromAlice, toAlice, others)) {
      await(store.appendOnce(key, NOW, List.of(envelope(BOB_1, key.messageId().toStringUtf8(), NOW))));
    }

    await(store.forgetSends(ALICE));

    // A forgotten send is stored again when retried; the others' is still a duplicate.
    assertThat(await(store.appendOnce(fromAlice, NOW + 1, List.of())).duplicate()).isFalse();
    assertThat(await(store.appendOnce(toAlice, NOW + 1, List.of())).duplicate()).isFalse();
    assertThat(await(store.appendOnce(others, NOW + 1, List.of())).duplicate()).isTrue();
  }

  @Test
  void summaryCountsWhatWaitsWithoutReadingContents() {
    assertThat(await(store.summary(BOB_1))).isEqualTo(new MessageQueueStore.QueueSummary(0, 0, 0, 0));
    List<Envelope> stored = await(store.append(List.of(envelope(BOB_1, "a", NOW - 5), envelope(BOB_1, "bb", NOW),
        envelope(BOB_1, "ccc", NOW + 7))));
    await(store.delete(BOB_1, stored.get(1).getSeq()));

    MessageQueueStore.QueueSummary summary = await(store.summary(BOB_1));

    assertThat(summary.envelopes()).isEqualTo(2);
    assertThat(summary.bytes()).isEqualTo(stored.get(0).getSerializedSize() + stored.get(2).getSerializedSize());
    assertThat(summary.oldest()).isEqualTo(NOW - 5);
    assertThat(summary.newest()).isEqualTo(NOW + 7);
  }
}
