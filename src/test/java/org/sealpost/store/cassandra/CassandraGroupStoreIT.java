package org.sealpost.store.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;
import static org.sealpost.store.Awaits.inParallel;

import io.vertx.core.Vertx;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealpost.protocol.Group;
import org.sealpost.store.GroupStore;
import org.sealpost.store.GroupStoreContract;

@Tag("external")
class CassandraGroupStoreIT extends GroupStoreContract {
  @RegisterExtension static final CassandraKeyspace keyspace = new CassandraKeyspace("groups", "groups");

  private CassandraStores stores;

  @Override
  protected GroupStore newStore(Vertx vertx) {
    stores = keyspace.openEmpty(vertx);
    return stores.groups();
  }

  /** Two nodes do not line their writes up with each other: only the compare-and-set keeps every change. */
  @Test
  void changesFromTwoNodesAreNeverLost(Vertx vertx) {
    CassandraStores otherNode = keyspace.open(vertx);
    await(store.create(group(ID, "+15550000001")));
    List<GroupStore> nodes = List.of(store, otherNode.groups());
    inParallel(12, i -> nodes.get(i % 2).update(ID, current -> withMember(current, "+1555200" + (1000 + i))));
    Group last = await(otherNode.groups().get(ID)).orElseThrow();
    assertThat(last.getMembersCount()).isEqualTo(13);
    assertThat(last.getRevision()).isEqualTo(13);
  }
}
