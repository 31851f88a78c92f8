package org.sealpost.store.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;
import static org.sealpost.store.Awaits.inParallel;

import io.vertx.core.Vertx;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealpost.protocol.PreKeyBundle;
import org.sealpost.store.PreKeyStore;
import org.sealpost.store.PreKeyStoreContract;

@Tag("external")
class CassandraPreKeyStoreIT extends PreKeyStoreContract {
  @RegisterExtension static final CassandraKeyspace keyspace = new CassandraKeyspace("prekeys", "prekeys");

  private CassandraStores stores;
  private CassandraStores otherNode;

  @Override
  protected PreKeyStore newStore(Vertx vertx) {
    stores = keyspace.openEmpty(vertx);
    return stores.preKeys();
  }


  /** Two nodes do not line their takes up with each other: only the compare-and-set decides. */
  @Test
  void takesFromTwoNodesNeverHandOutAKeyTwice(Vertx vertx) {
    otherNode = keyspace.open(vertx);
    await(store.put(DEVICE, complete(IDENTITY_A, 10, 10)));
    List<PreKeyStore> nodes = List.of(store, otherNode.preKeys());

    List<PreKeyBundle> bundles = inParallel(10, i -> nodes.get(i % 2).take(DEVICE)).stream()
        .map(taken -> taken.orElseThrow().bundle())
        .toList();

    assertThat(bundles).extracting(b -> b.getOneTimePreKey().getKeyId())
        .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 10).boxed().toList());
    assertThat(bundles).extracting(b -> b.getKyberPreKey().getKeyId())
        .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 10).boxed().toList());
    assertThat(await(otherNode.preKeys().count(DEVICE))).isEqualTo(count(0, 0));
  }

  /** Keys uploaded below the ids already taken are still found: the floor moves down for them. */
  @Test
  void keysWithSmallerIdsThanTakenOnesAreTakenFirst() {
    await(store.put(DEVICE, complete(IDENTITY_A, 0, 0).toBuilder().addAllOneTimePreKeys(ecKeys(10, 2)).build()));
    assertThat(take(DEVICE).getOneTimePreKey().getKeyId()).isEqualTo(10);

    await(store.put(DEVICE, org.sealpost.protocol.PreKeyUpload.newBuilder()
        .setIdentityKey(IDENTITY_A).addAllOneTimePreKeys(ecKeys(3, 1)).build()));

    assertThat(take(DEVICE).getOneTimePreKey().getKeyId()).isEqualTo(3);
    assertThat(take(DEVICE).getOneTimePreKey().getKeyId()).isEqualTo(11);
    assertThat(take(DEVICE).hasOneTimePreKey()).isFalse();
  }
}
