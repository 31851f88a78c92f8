package org.sealpost.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;
import static org.sealpost.store.Awaits.awaitFailure;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.types.ErrorType;
import io.vertx.redis.client.impl.types.SimpleStringType;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sealpost.errors.ErrorCode;
import org.sealpost.errors.SealpostException;

/** How replies and failures are translated, against a hand-written stub transport. */
class RedisCommandsTest {
  private final StubRedis redis = new StubRedis();
  private final RedisCommands commands =
      new RedisCommands(redis::send, "redis://stub", Duration.ofSeconds(5));
  private final LuaScript script = RedisRateLimitStore.TAKE;

  @Test
  void aCachedScriptIsRunByDigest() {
    redis.replies.add(Future.succeededFuture(SimpleStringType.create("done")));
    assertThat(await(commands.eval(script, List.of("k"), List.of("1"))).toString())
        .isEqualTo("done");
    assertThat(redis.sent).containsExactly(Command.EVALSHA);
  }

  @Test
  void noScriptSendsTheSource() {
    redis.replies.add(Future.failedFuture(ErrorType.create("NOSCRIPT No matching script.")));
    redis.replies.add(Future.succeededFuture(SimpleStringType.create("done")));
    assertThat(await(commands.eval(script, List.of("k"), List.of("1"))).toString())
        .isEqualTo("done");
    assertThat(redis.sent).containsExactly(Command.EVALSHA, Command.EVAL);
  }

  @Test
  void connectionFailuresAreUnavailable() {
    redis.replies.add(Future.failedFuture(new ConnectException("Connection refused")));
    assertUnavailable(awaitFailure(commands.send(Request.cmd(Command.GET).arg("k"))));
  }

  @Test
  void aServerThatCannotServeNowIsUnavailable() {
    redis.replies.add(Future.failedFuture(ErrorType.create("LOADING Redis is loading the dataset")));
    assertUnavailable(awaitFailure(commands.send(Request.cmd(Command.GET).arg("k"))));
  }

  @Test
  void otherErrorRepliesAreBugs() {
    redis.replies.add(Future.failedFuture(
        ErrorType.create("WRONGTYPE Operation against a key holding the wrong kind of value")));
    assertThat(awaitFailure(commands.send(Request.cmd(Command.GET).arg("+15550001111.1"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("WRONGTYPE")
        .hasMessageNotContaining("+15550001111");
  }

  @Test
  void aMissedDeadlineIsUnavailable() {
    RedisCommands impatient = new RedisCommands(redis::send, "redis://stub", Duration.ofMillis(50));
    redis.replies.add(io.vertx.core.Promise.<Response>promise().future());
    assertUnavailable(awaitFailure(impatient.send(Request.cmd(Command.GET).arg("k"))));
  }

  private static void assertUnavailable(Throwable failure) {
    assertThat(failure).isInstanceOf(SealpostException.class);
    assertThat(((SealpostException) failure).code()).isEqualTo(ErrorCode.UNAVAILABLE);
  }

  /** Answers each command with the next queued reply and records the commands sent. */
  private static final class StubRedis {
    final Deque<Future<Response>> replies = new ArrayDeque<>();
    final List<Command> sent = new ArrayList<>();

    Future<Response> send(Request request) {
      sent.add(request.command());
      return replies.removeFirst();
    }
  }
}
