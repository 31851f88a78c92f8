package org.sealpost.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;
import static org.sealpost.store.Awaits.awaitFailure;
import static org.sealpost.store.Awaits.inParallel;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sealpost.errors.ErrorCode;
import org.sealpost.errors.SealpostException;
import org.sealpost.testing.RedisSupport;

/** The connections under the stores: replaced when they die or stop answering. */
@Tag("external")
@ExtendWith(VertxExtension.class)
class PipelinedConnectionsIT {
  private static final Duration TIMEOUT = Duration.ofMillis(300);

  private RedisStores stores;

  @AfterEach
  void close() {
    if (stores != null) {
      await(stores.close());
    }
  }

  @Test
  void aConnectionThatLeavesACommandUnansweredIsReplaced(Vertx vertx) {
    stores = RedisSupport.connect(vertx, RedisSupport.options(RedisSupport.uniquePrefix())
        .withConnections(1).withCommandTimeout(TIMEOUT));
    RedisCommands commands = stores.commands();
    long before = clientId(commands);

    // BLPOP on an empty list holds this one connection (only) for longer than the timeout.
    Throwable failure = awaitFailure(commands.send(
        Request.cmd(Command.BLPOP).arg("sealpost-test:never-filled").arg(5)));
    assertThat(failure).isInstanceOf(SealpostException.class);
    assertThat(((SealpostException) failure).code()).isEqualTo(ErrorCode.UNAVAILABLE);

    assertThat(clientIdOnceAnswered(commands)).isNotEqualTo(before);
  }

  /**
   * The replacement connection answers once it is open; on a loaded machine opening it can take
   * longer than the 300 ms command timeout, so retry (bounded) until it does.
   */
  private static long clientIdOnceAnswered(RedisCommands commands) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      try {
        return clientId(commands);
      } catch (AssertionError unavailable) {
        if (System.nanoTime() > deadline) {
          throw unavailable;
        }
      }
    }
  }

  @Test
  void manyCommandsInFlightShareTheConnections(Vertx vertx) {
    stores = RedisSupport.connect(vertx, RedisSupport.options(RedisSupport.uniquePrefix()));
    List<Long> ids = inParallel(50,
        i -> stores.commands().send(Request.cmd(Command.CLIENT).arg("ID")).map(Response::toLong));
    assertThat(new HashSet<>(ids)).hasSize(RedisStoreOptions.DEFAULT_CONNECTIONS);
  }

  private static long clientId(RedisCommands commands) {
    return await(commands.send(Request.cmd(Command.CLIENT).arg("ID"))).toLong();
  }
}
