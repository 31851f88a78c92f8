package org.sealpost.store.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;

import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealpost.store.KeyLogStore;
import org.sealpost.store.KeyLogStoreContract;

/**
 * The contract on buckets of {@link #BUCKET} indexes, so its reads cross buckets (the real 65536
 * would need as many appends); {@link #theNodesStoreReadsWhatItAppends} covers the real size.
 */
@Tag("external")
class CassandraKeyLogStoreIT extends KeyLogStoreContract {
  private static final int BUCKET = 4;

  @RegisterExtension static final CassandraKeyspace keyspace = new CassandraKeyspace("keylog", "key_log", "key_log_meta");

  @Override
  protected KeyLogStore newStore(Vertx vertx) {
    return smallBuckets(keyspace.openEmpty(vertx));
  }

  private static KeyLogStore smallBuckets(CassandraStores stores) {
    return await(CassandraKeyLogStore.prepare(stores.cql(), BUCKET));
  }

  @Test
  void anotherNodeSeesTheEntriesAndTheSigningKey(Vertx vertx) {
    appendEntries(6);
    byte[] key = "node one's key".getBytes(StandardCharsets.UTF_8);
    assertThat(await(store.signingKey(key))).isEqualTo(key);

    CassandraStores other = keyspace.open(vertx);
    KeyLogStore otherLog = smallBuckets(other);
    assertThat(await(otherLog.read(0, 100))).containsExactlyElementsOf(entries(0, 6));
    assertThat(await(otherLog.append(5, List.of(entry(55))))).isZero();
    assertThat(await(otherLog.append(6, List.of(entry(6))))).isEqualTo(1);
    assertThat(await(other.keyLog().signingKey("node two's key".getBytes(StandardCharsets.UTF_8)))).isEqualTo(key);
    assertThat(await(store.read(4, 100))).containsExactlyElementsOf(entries(4, 7));
  }

  @Test
  void theNodesStoreReadsWhatItAppends(Vertx vertx) {
    KeyLogStore log = keyspace.open(vertx).keyLog();
    assertThat(await(log.append(0, List.of(entry(0))))).isEqualTo(1);
    assertThat(await(log.append(1, entries(1, 5)))).isEqualTo(4);
    assertThat(await(log.append(2, List.of(entry(22))))).isZero();
    assertThat(await(log.append(4, entries(44, 46)))).isZero();
    assertThat(await(log.read(0, 100))).containsExactlyElementsOf(entries(0, 5));
    assertThat(await(log.read(1, 3))).containsExactlyElementsOf(entries(1, 4));
    assertThat(await(log.read(5, 100))).isEmpty();
  }

  @Test
  void aBatchStopsAtItsBucketsEndAndTheRestFollowsAtTheNextIndex() {
    // Buckets of 4: 0..3, 4..7, 8..11.
    assertThat(await(store.append(0, entries(0, 2)))).isEqualTo(2);
    assertThat(await(store.append(2, entries(2, 11)))).as("up to the end of bucket 0").isEqualTo(2);
    assertThat(await(store.read(0, 100))).containsExactlyElementsOf(entries(0, 4));
    assertThat(await(store.append(4, entries(4, 11)))).as("bucket 1 whole").isEqualTo(4);
    assertThat(await(store.append(8, entries(8, 11)))).isEqualTo(3);

    assertThat(await(store.read(0, 100))).containsExactlyElementsOf(entries(0, 11));
  }

  @Test
  void aBatchAtABucketsLastIndexStoresOne() {
    appendEntries(3);
    assertThat(await(store.append(3, entries(3, 9)))).isEqualTo(1);
    assertThat(await(store.append(4, entries(4, 9)))).isEqualTo(4);
    assertThat(await(store.append(8, entries(8, 9)))).isEqualTo(1);
    assertThat(await(store.read(0, 100))).containsExactlyElementsOf(entries(0, 9));
  }

  @Test
  void aLargeBatchIsCappedByBytesAndTheRestFollows(Vertx vertx) {
    KeyLogStore log = keyspace.open(vertx).keyLog();
    // Entries of 100 bytes, as the key log's are about: 4096 / (100 + 64) = 24 a batch.
    List<byte[]> batch = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      byte[] entry = Arrays.copyOf(entry(i), 100);
      batch.add(entry);
    }
    int perBatch = CassandraKeyLogStore.MAX_BATCH_BYTES / (100 + CassandraKeyLogStore.ROW_BYTES);

    assertThat(await(log.append(0, batch))).isEqualTo(perBatch);
    int done = perBatch;
    while (done < batch.size()) {
      int stored = await(log.append(done, batch.subList(done, batch.size())));
      assertThat(stored).isBetween(1, perBatch);
      done += stored;
    }
    assertThat(await(log.read(0, 1000))).containsExactlyElementsOf(batch);
  }

  @Test
  void batchLengthTakesTheBucketAndTheBytesIntoAccount() {
    List<byte[]> small = Collections.nCopies(500, new byte[0]);
    assertThat(CassandraKeyLogStore.batchLength(small, 65536))
        .isEqualTo(CassandraKeyLogStore.MAX_BATCH_BYTES / CassandraKeyLogStore.ROW_BYTES).isEqualTo(64);
    assertThat(CassandraKeyLogStore.batchLength(small, 7)).isEqualTo(7);
    assertThat(CassandraKeyLogStore.batchLength(small.subList(0, 3), 7)).isEqualTo(3);
    List<byte[]> huge = Collections.nCopies(5, new byte[10_000]);
    assertThat(CassandraKeyLogStore.batchLength(huge, 65536)).as("an entry past the bound goes alone").isEqualTo(1);
    List<byte[]> exact = Collections.nCopies(10, new byte[1024 - CassandraKeyLogStore.ROW_BYTES]);
    assertThat(CassandraKeyLogStore.batchLength(exact, 65536)).isEqualTo(4);
  }
}
