package org.sealpost.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;
import static org.sealpost.store.Awaits.awaitFailure;
import static org.sealpost.store.Awaits.inParallel;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What every {@link KeyLogStore} must do; a backend's test extends this. */
@ExtendWith(VertxExtension.class)
public abstract class KeyLogStoreContract {
  protected KeyLogStore store;

  /** A new, empty store. The subclass releases what it opened. */
  protected abstract KeyLogStore newStore(Vertx vertx) throws Exception;

  @BeforeEach
  void createStore(Vertx vertx) throws Exception {
    store = newStore(vertx);
  }

  /** Entry {@code i}: distinct per index, with bytes (0x00, 0xFF) that a text round trip would mangle. */
  protected static byte[] entry(long i) {
    byte[] text = ("entry-" + i).getBytes(UTF_8);
    byte[] bytes = new byte[text.length + 3];
    bytes[0] = 0;
    bytes[1] = (byte) 0xFF;
    bytes[2] = (byte) i;
    System.arraycopy(text, 0, bytes, 3, text.length);
    return bytes;
  }

  /** Appends entries 0 .. n - 1 one at a time, asserting each append is taken. */
  protected void appendEntries(int n) {
    for (int i = 0; i < n; i++) {
      assertThat(await(store.append(i, List.of(entry(i))))).as("append %d", i).isEqualTo(1);
    }
  }

  /**
   * Appends {@code entries} from {@code index} as a caller does: batch after batch, each from where
   * the last one stopped, asserting each stores a prefix (at least one entry, at most what is left).
   * Answers how many entries each batch stored.
   */
  protected List<Integer> appendAll(long index, List<byte[]> entries) {
    List<Integer> stored = new ArrayList<>();
    int done = 0;
    while (done < entries.size()) {
      List<byte[]> rest = entries.subList(done, entries.size());
      int count = await(store.append(index + done, rest));
      assertThat(count).as("append at %d of %d entries", index + done, rest.size()).isBetween(1, rest.size());
      stored.add(count);
      done += count;
    }
    return stored;
  }

  /** The entries from .. to - 1. */
  protected static List<byte[]> entries(long from, long to) {
    return IntStream.range((int) from, (int) to).mapToObj(KeyLogStoreContract::entry).toList();
  }

  @Test
  void appendedEntriesReadBackInOrderAndByteForByte() {
    appendEntries(3);
    assertThat(await(store.read(0, 10))).containsExactlyElementsOf(entries(0, 3));
  }

  @Test
  void aReadStartsAnywhereAndTakesAtMostMax() {
    appendEntries(5);
    assertThat(await(store.read(2, 10))).containsExactlyElementsOf(entries(2, 5));
    assertThat(await(store.read(1, 2))).containsExactlyElementsOf(entries(1, 3));
    assertThat(await(store.read(4, 1))).containsExactlyElementsOf(entries(4, 5));
    assertThat(await(store.read(0, 0))).isEmpty();
  }

  @Test
  void aReadAtOrPastTheEndIsEmpty() {
    assertThat(await(store.read(0, 10))).isEmpty();
    appendEntries(3);
    assertThat(await(store.read(3, 10))).isEmpty();
    assertThat(await(store.read(1000, 10))).isEmpty();
  }

  @Test
  void aTakenIndexIsRefusedAndKeepsItsEntry() {
    appendEntries(2);
    assertThat(await(store.append(1, List.of(entry(99))))).isZero();
    assertThat(await(store.append(0, List.of(entry(98))))).isZero();
    assertThat(await(store.read(0, 10))).containsExactlyElementsOf(entries(0, 2));
  }

  @Test
  void ofConcurrentAppendsAtOneIndexExactlyOneWins() {
    appendEntries(1);
    int writers = 8;
    List<Integer> taken = inParallel(writers, i -> store.append(1, List.of(entry(100 + i))));

    assertThat(taken).containsOnlyOnce(1).containsOnly(0, 1);
    int winner = taken.indexOf(1);
    assertThat(await(store.read(0, 10))).containsExactly(entry(0), entry(100 + winner));
  }

  @Test
  void aBatchOfTenReadsBackInOrder() {
    appendEntries(1);
    appendAll(1, entries(1, 11));

    assertThat(await(store.read(0, 100))).containsExactlyElementsOf(entries(0, 11));
    assertThat(await(store.read(11, 100))).isEmpty();
    assertThat(await(store.append(11, List.of(entry(11))))).isEqualTo(1);
    assertThat(await(store.read(9, 100))).containsExactlyElementsOf(entries(9, 12));
  }

  @Test
  void aBatchAtATakenIndexStoresNothing() {
    appendAll(0, entries(0, 3));

    assertThat(await(store.append(1, entries(101, 104)))).isZero();
    assertThat(await(store.append(2, entries(102, 110)))).isZero();
    assertThat(await(store.append(0, entries(100, 101)))).isZero();
    assertThat(await(store.read(0, 100))).containsExactlyElementsOf(entries(0, 3));
    assertThat(await(store.append(3, entries(3, 4)))).isEqualTo(1);
    assertThat(await(store.read(0, 100))).containsExactlyElementsOf(entries(0, 4));
  }

  @Test
  void ofConcurrentBatchesAtOneIndexExactlyOneStores() {
    appendEntries(1);
    int writers = 8;
    // Writer w appends 5 entries of its own, 100 * (w + 1) on: a store may take only a prefix of them.
    List<Integer> stored = inParallel(writers, w -> store.append(1, entries(100L * (w + 1), 100L * (w + 1) + 5)));

    assertThat(stored.stream().filter(count -> count > 0)).hasSize(1);
    assertThat(stored).allSatisfy(count -> assertThat(count).isBetween(0, 5));
    int winner = stored.indexOf(stored.stream().filter(count -> count > 0).findFirst().orElseThrow());
    List<byte[]> expected = new ArrayList<>(List.of(entry(0)));
    expected.addAll(entries(100L * (winner + 1), 100L * (winner + 1) + stored.get(winner)));
    assertThat(await(store.read(0, 100))).containsExactlyElementsOf(expected);
  }

  @Test
  void anEmptyBatchFails() {
    assertThat(awaitFailure(store.append(0, List.of()))).isInstanceOf(IllegalArgumentException.class);
    assertThat(awaitFailure(store.append(-1, List.of(entry(0))))).isInstanceOf(IllegalArgumentException.class);
    assertThat(await(store.read(0, 10))).isEmpty();
  }

  @Test
  void theLogGrowsPastManyEntriesAndReadsSpanThem() {
    // 8 then 11 entries: more than one bucket of a small-bucket Cassandra store, ending on and off
    // a bucket's boundary (the Cassandra test uses buckets of 4 indexes).
    appendEntries(8);
    assertThat(await(store.read(0, 100))).containsExactlyElementsOf(entries(0, 8));
    assertThat(await(store.read(4, 100))).containsExactlyElementsOf(entries(4, 8));
    assertThat(await(store.read(8, 100))).isEmpty();
    appendAll(8, entries(8, 11));
    assertThat(await(store.read(0, 100))).containsExactlyElementsOf(entries(0, 11));
    assertThat(await(store.read(3, 6))).containsExactlyElementsOf(entries(3, 9));
    assertThat(await(store.read(2, 2))).containsExactlyElementsOf(entries(2, 4));
    assertThat(await(store.read(7, 100))).containsExactlyElementsOf(entries(7, 11));
    assertThat(await(store.read(10, 100))).containsExactlyElementsOf(entries(10, 11));
  }

  @Test
  void theFirstSigningKeyIsEveryonesKey() {
    byte[] first = "first key \0\u00ff".getBytes(UTF_8);
    assertThat(await(store.signingKey(first))).isEqualTo(first);
    assertThat(await(store.signingKey("second key".getBytes(UTF_8)))).isEqualTo(first);
    assertThat(await(store.signingKey(first))).isEqualTo(first);
  }

  @Test
  void ofConcurrentSigningKeyCandidatesOneIsGivenToAll() {
    List<byte[]> keys = inParallel(6, i -> store.signingKey(("candidate " + i).getBytes(UTF_8)));

    assertThat(keys).allSatisfy(key -> assertThat(key).isEqualTo(keys.get(0)));
    assertThat(await(store.signingKey("late".getBytes(UTF_8)))).isEqualTo(keys.get(0));
  }
}
