package org.sealpost.store.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sealpost.store.Awaits.awaitFailure;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sealpost.errors.ErrorCode;
import org.sealpost.errors.SealpostException;

/** What needs no Cassandra: options checks, and failing as unavailable when there is none. */
@ExtendWith(VertxExtension.class)
class CassandraStoresTest {
  @Test
  void anUnreachableNodeFailsTheConnectAsUnavailable(Vertx vertx) throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    CassandraStoreOptions options = CassandraStoreOptions.of("127.0.0.1:" + port)
        .withRequestTimeout(Duration.ofSeconds(2));

    // No queue turns: a node that never connects never appends.
    Throwable failure = awaitFailure(CassandraStores.connect(vertx, options, null));

    assertThat(failure).isInstanceOf(SealpostException.class);
    assertThat(((SealpostException) failure).code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(failure.getMessage()).contains("127.0.0.1:" + port);
  }

  @Test
  void invalidOptionsNameTheField() {
    CassandraStoreOptions defaults = CassandraStoreOptions.of(CassandraStoreOptions.DEFAULT_CONTACT_POINT);
    assertThatThrownBy(() -> defaults.withKeyspace("Bad-Name")).hasMessageStartingWith("keyspace");
    assertThatThrownBy(() -> defaults.withReplication("{'class': 'SimpleStrategy'}; DROP KEYSPACE x"))
        .hasMessageStartingWith("replication");
    assertThatThrownBy(() -> defaults.withConsistency("LOCAL_SERIAL", "LOCAL_SERIAL"))
        .hasMessageStartingWith("consistency");
    assertThatThrownBy(() -> defaults.withConsistency("LOCAL_QUORUM", "QUORUM"))
        .hasMessageStartingWith("serialConsistency");
    assertThatThrownBy(() -> CassandraStoreOptions.of("localhost")).hasMessageStartingWith("contactPoints");
    assertThatThrownBy(() -> defaults.withTtls(Duration.ofDays(-1), Duration.ZERO))
        .hasMessageStartingWith("queueTtl");
    assertThat(defaults.withConsistency("LOCAL_QUORUM", "LOCAL_SERIAL").consistency()).isEqualTo("LOCAL_QUORUM");
  }
}
