package org.sealpost.store.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;
import static org.sealpost.store.Awaits.inParallel;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealpost.errors.SealpostException;
import org.sealpost.store.AccountStore;
import org.sealpost.store.AccountStoreContract;
import org.sealpost.store.proto.DeviceRecord;

@Tag("external")
class CassandraAccountStoreIT extends AccountStoreContract {
  @RegisterExtension static final CassandraKeyspace keyspace = new CassandraKeyspace("accounts", "accounts");

  private CassandraStores stores;
  private CassandraStores otherNode;

  @Override
  protected AccountStore newStore(Vertx vertx) {
    stores = keyspace.openEmpty(vertx);
    return stores.accounts();
  }


  /** Two nodes do not line their writes up with each other: only the compare-and-set decides. */
  @Test
  void addDevicesFromTwoNodesRespectTheLimitAndGetDistinctIds(Vertx vertx) {
    otherNode = keyspace.open(vertx);
    await(store.create(account(NUMBER, 1_000)));
    List<AccountStore> nodes = List.of(store, otherNode.accounts());
    List<Optional<DeviceRecord>> results = inParallel(12, i -> nodes.get(i % 2)
        .addDevice(NUMBER, device("d" + i), 6)
        .map(Optional::of)
        .recover(failure -> failure instanceof SealpostException
            ? Future.succeededFuture(Optional.empty())
            : Future.failedFuture(failure)));
    List<Integer> ids = results.stream().flatMap(Optional::stream).map(DeviceRecord::getId).toList();
    assertThat(ids).containsExactlyInAnyOrder(2, 3, 4, 5, 6);
    assertThat(await(otherNode.accounts().get(NUMBER)).orElseThrow().getDevicesCount()).isEqualTo(6);
  }
}
