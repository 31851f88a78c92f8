package org.sealpost.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;
import static org.sealpost.store.Awaits.inParallel;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
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

  /** Appends entries 0 .. n - 1, asserting each append is taken. */
  protected void appendEntries(int n) {
    for (int i = 0; i < n; i++) {
      assertThat(await(store.append(i, entry(i)))).as("append %d", i).isTrue();
    }
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
    assertThat(await(store.append(1, entry(99)))).isFalse();
    assertThat(await(store.append(0, entry(98)))).isFalse();
    assertThat(await(store.read(0, 10))).containsExactlyElementsOf(entries(0, 2));
  }

  @Test
  void ofConcurrentAppendsAtOneIndexExactlyOneWins() {
    appendEntries(1);
    int writers = 8;
    List<Boolean> taken = inParallel(writers, i -> store.append(1, entry(100 + i)));

    assertThat(taken).containsOnlyOnce(true);
    int winner = taken.indexOf(true);
    assertThat(await(store.read(0, 10))).containsExactly(entry(0), entry(100 + winner));
  }

  @Test
  void theLogGrowsPastManyEntriesAndReadsSpanThem() {
    // 8 then 11 entries: more than one bucket of a small-bucket Cassandra store, ending on and off
    // a bucket's boundary (the Cassandra test uses buckets of 4 indexes).
    appendEntries(8);
    assertThat(await(store.read(0, 100))).containsExactlyElementsOf(entries(0, 8));
    assertThat(await(store.read(4, 100))).containsExactlyElementsOf(entries(4, 8));
    assertThat(await(store.read(8, 100))).isEmpty();
    for (int i = 8; i < 11; i++) {
      assertThat(await(store.append(i, entry(i)))).isTrue();
    }
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
