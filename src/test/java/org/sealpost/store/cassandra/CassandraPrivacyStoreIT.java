package org.sealpost.store.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealpost.store.PrivacyStore;
import org.sealpost.store.PrivacyStoreContract;

@Tag("external")
class CassandraPrivacyStoreIT extends PrivacyStoreContract {
  @RegisterExtension static final CassandraKeyspace keyspace =
      new CassandraKeyspace("privacy", "privacy", "contacts", "blocks");

  @Override
  protected PrivacyStore newStore(Vertx vertx) {
    return keyspace.openEmpty(vertx).privacy();
  }

  @Test
  void anotherNodeSeesTheBlock(Vertx vertx) {
    await(store.block(ALICE, BOB));
    assertThat(await(keyspace.open(vertx).privacy().isBlocked(ALICE, BOB))).isTrue();
  }
}
