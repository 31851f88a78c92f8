package org.sealpost.store.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;

import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
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
    assertThat(await(otherLog.append(5, entry(55)))).isFalse();
    assertThat(await(otherLog.append(6, entry(6)))).isTrue();
    assertThat(await(other.keyLog().signingKey("node two's key".getBytes(StandardCharsets.UTF_8)))).isEqualTo(key);
    assertThat(await(store.read(4, 100))).containsExactlyElementsOf(entries(4, 7));
  }

  @Test
  void theNodesStoreReadsWhatItAppends(Vertx vertx) {
    KeyLogStore log = keyspace.open(vertx).keyLog();
    for (int i = 0; i < 5; i++) {
      assertThat(await(log.append(i, entry(i)))).isTrue();
    }
    assertThat(await(log.append(2, entry(22)))).isFalse();
    assertThat(await(log.read(0, 100))).containsExactlyElementsOf(entries(0, 5));
    assertThat(await(log.read(1, 3))).containsExactlyElementsOf(entries(1, 4));
    assertThat(await(log.read(5, 100))).isEmpty();
  }
}
