package org.sealpost.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;
import static org.sealpost.store.Awaits.awaitFailure;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sealpost.errors.ErrorCode;
import org.sealpost.errors.SealpostException;

/** Connecting when Redis cannot answer; needs no Redis. */
@ExtendWith(VertxExtension.class)
class RedisStoresTest {
  private static final Duration TIMEOUT = Duration.ofMillis(300);

  @Test
  void nothingListeningIsUnavailable(Vertx vertx) throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    RedisStoreOptions options = RedisStoreOptions.of("redis://127.0.0.1:" + port)
        .withConnectTimeout(TIMEOUT).withCommandTimeout(TIMEOUT);
    assertUnavailable(awaitFailure(RedisStores.connect(vertx, options)), port);
  }

  @Test
  void aServerThatNeverAnswersIsUnavailableAfterTheTimeout(Vertx vertx) {
    NetServer silent = await(vertx.createNetServer().connectHandler(socket -> { }).listen(0));
    RedisStoreOptions options = RedisStoreOptions.of("redis://127.0.0.1:" + silent.actualPort())
        .withConnectTimeout(TIMEOUT).withCommandTimeout(TIMEOUT);
    long started = System.nanoTime();
    assertUnavailable(awaitFailure(RedisStores.connect(vertx, options)), silent.actualPort());
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(TIMEOUT);
    await(silent.close());
  }

  private static void assertUnavailable(Throwable failure, int port) {
    assertThat(failure).isInstanceOf(SealpostException.class)
        .hasMessageContaining("127.0.0.1:" + port);
    assertThat(((SealpostException) failure).code()).isEqualTo(ErrorCode.UNAVAILABLE);
  }
}
