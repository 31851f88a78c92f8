package org.sealpost.store.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;

import com.google.protobuf.ByteString;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealpost.api.DeviceKey;
import org.sealpost.protocol.SignedTreeHead;
import org.sealpost.transparency.StoredKeyLog;

/**
 * One key log for a cluster on Cassandra: two nodes (each with its own session, tree and group
 * commits) logging key changes at once, over buckets of 4 so their batches meet partition ends,
 * end with the same log, sign with the same key, and each proves what the other appended.
 */
@Tag("external")
@ExtendWith(VertxExtension.class)
class CassandraKeyLogNodesIT {
  @RegisterExtension static final CassandraKeyspace keyspace = new CassandraKeyspace("keylognodes", "key_log",
      "key_log_meta");

  @Test
  void twoNodesLogIntoOneOrderedLog(Vertx vertx) {
    keyspace.openEmpty(vertx);
    StoredKeyLog nodeA = node(vertx);
    StoredKeyLog nodeB = node(vertx);
    List<Future<Void>> changes = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      changes.add(nodeA.record(new DeviceKey("+1555100" + (1000 + i), 1), key(i)));
      changes.add(nodeB.record(new DeviceKey("+1555200" + (1000 + i), 1), key(100 + i)));
    }
    await(Future.all(changes));

    SignedTreeHead headA = await(nodeA.head());
    SignedTreeHead headB = await(nodeB.head());
    assertThat(headA.getSize()).isEqualTo(80);
    assertThat(headB.getRootHash()).isEqualTo(headA.getRootHash());
    assertThat(nodeB.publicKey()).isEqualTo(nodeA.publicKey());
    assertThat(await(nodeA.prove("+15552001039", Map.of(1, key(139)))).entries()).containsKey(1);
    assertThat(await(nodeB.prove("+15551001000", Map.of(1, key(0)))).entries()).containsKey(1);

    // A third node, started later, reads the same log.
    assertThat(await(node(vertx).head()).getRootHash()).isEqualTo(headA.getRootHash());
  }

  private static StoredKeyLog node(Vertx vertx) {
    CassandraStores stores = keyspace.open(vertx);
    return await(StoredKeyLog.open(vertx, await(CassandraKeyLogStore.prepare(stores.cql(), 4)), Clock.systemUTC()));
  }

  private static ByteString key(int i) {
    byte[] key = new byte[33];
    key[0] = 5;
    key[1] = (byte) i;
    return ByteString.copyFrom(key);
  }
}
