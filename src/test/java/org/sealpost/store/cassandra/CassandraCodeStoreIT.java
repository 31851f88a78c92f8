package org.sealpost.store.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;
import static org.sealpost.store.Awaits.inParallel;

import io.vertx.core.Vertx;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealpost.store.CodeStore;
import org.sealpost.store.CodeStore.CodeCheck;
import org.sealpost.store.CodeStoreContract;

@Tag("external")
class CassandraCodeStoreIT extends CodeStoreContract {
  @RegisterExtension static final CassandraKeyspace keyspace = new CassandraKeyspace("codes", "codes");

  private CassandraStores stores;
  private CassandraStores otherNode;

  @Override
  protected CodeStore newStore(Vertx vertx) {
    stores = keyspace.openEmpty(vertx);
    return stores.codes();
  }


  @Test
  void checksFromTwoNodesMatchExactlyOnce(Vertx vertx) {
    otherNode = keyspace.open(vertx);
    await(store.put(KEY, code("123456", EXPIRES)));
    List<CodeStore> nodes = List.of(store, otherNode.codes());
    List<CodeCheck> results = inParallel(10, i -> nodes.get(i % 2).check(KEY, "123456", NOW, 3));
    assertThat(results).filteredOn(CodeCheck.MATCH::equals).hasSize(1);
    assertThat(results).filteredOn(CodeCheck.ABSENT::equals).hasSize(9);
  }
}
