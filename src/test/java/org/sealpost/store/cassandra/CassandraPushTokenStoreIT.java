package org.sealpost.store.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealpost.store.PushTokenStore;
import org.sealpost.store.PushTokenStoreContract;

@Tag("external")
class CassandraPushTokenStoreIT extends PushTokenStoreContract {
  @RegisterExtension static final CassandraKeyspace keyspace = new CassandraKeyspace("push", "push_tokens");

  @Override
  protected PushTokenStore newStore(Vertx vertx) {
    return keyspace.openEmpty(vertx).pushTokens();
  }

  @Test
  void anotherNodeSeesTheToken(Vertx vertx) {
    await(store.put(ALICE_1, APNS));
    assertThat(await(keyspace.open(vertx).pushTokens().get(ALICE_1))).contains(APNS);
  }
}
