package org.sealpost.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;
import static org.sealpost.store.Awaits.awaitFailure;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.errors.ErrorCode;
import org.sealpost.errors.SealpostException;

/**
 * How Redis's replies and failures reach the stores, provoked on a real redis-server. Each test
 * runs one of its own (on a free port, in a temporary directory): the shared test Redis must not
 * be made to load, block on a script, pause or turn into a replica under the other tests.
 */
@Tag("external")
class RedisCommandsIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final LuaScript SCRIPT = RedisRateLimitStore.TAKE;
  private static final List<String> SCRIPT_ARGS = List.of("1000000", "10", "1");

  @TempDir Path dir;
  private final Vertx vertx = Vertx.vertx();
  private final List<PipelinedConnections> opened = new ArrayList<>();
  private final List<Redis> clients = new ArrayList<>();
  private OwnRedis redis;

  @BeforeEach
  void start() throws Exception {
    redis = OwnRedis.start(dir);
  }

  @AfterEach
  void stop() {
    opened.forEach(connections -> await(connections.close()));
    clients.forEach(Redis::close);
    redis.kill();
    await(vertx.close());
  }

  @Test
  void aCachedScriptIsRunByDigestAndAnUnknownOneBySource() {
    RedisCommands commands = commands(TIMEOUT);
    await(raw(Request.cmd(Command.SCRIPT).arg("FLUSH")));

    assertThat(await(commands.eval(SCRIPT, List.of("k"), SCRIPT_ARGS)).toLong()).isZero();
    assertThat(calls("evalsha")).isEqualTo(1);
    assertThat(calls("eval")).as("NOSCRIPT sends the source").isEqualTo(1);

    assertThat(await(commands.eval(SCRIPT, List.of("k"), SCRIPT_ARGS)).toLong()).isZero();
    assertThat(calls("evalsha")).isEqualTo(2);
    assertThat(calls("eval")).as("a cached script goes by digest alone").isEqualTo(1);
  }

  @Test
  void aRefusedConnectionIsUnavailable() {
    redis.kill();
    assertUnavailable(awaitFailure(commands(TIMEOUT).send(Request.cmd(Command.GET).arg("k"))));
  }

  @Test
  void aServerStillLoadingItsDataIsUnavailableUntilItHasLoaded() throws Exception {
    Request fill = Request.cmd(Command.MSET);
    for (int i = 0; i < 3000; i++) {
      fill.arg("key" + i).arg("value" + i);
    }
    await(raw(fill));
    await(raw(Request.cmd(Command.SAVE)));
    clients.forEach(Redis::close);
    clients.clear();
    redis.kill();
    // 1 ms per key: about 3 s of loading, answering LOADING to commands meanwhile
    redis = OwnRedis.start(dir, redis.port, "--key-load-delay", "1000",
        "--loading-process-events-interval-bytes", "1024");
    assertThat(redis.firstReply()).startsWith("-LOADING");

    RedisCommands commands = commands(TIMEOUT);
    assertUnavailable(awaitFailure(commands.send(Request.cmd(Command.GET).arg("key1"))));

    Response loaded = awaitAnswer(commands, Request.cmd(Command.GET).arg("key2999"));
    assertThat(loaded.toString()).isEqualTo("value2999");
  }

  @Test
  void aServerBusyWithAScriptIsUnavailable() {
    redis.kill();
    redis = OwnRedis.start(dir, redis.port, "--busy-reply-threshold", "100");
    Future<Response> endless = raw(Request.cmd(Command.EVAL).arg("while true do end").arg(0));
    RedisCommands commands = commands(TIMEOUT);
    try {
      Throwable busy = awaitFailureOnce(commands, Request.cmd(Command.GET).arg("k"));
      assertUnavailable(busy);
    } finally {
      await(commands.send(Request.cmd(Command.SCRIPT).arg("KILL")));
    }
    assertThat(awaitFailure(endless)).hasMessageContaining("killed");
  }

  @Test
  void writingToAReadOnlyReplicaIsUnavailable() {
    RedisCommands commands = commands(TIMEOUT);
    // a replica of a master that is not there: it stays read-only
    await(raw(Request.cmd(Command.REPLICAOF).arg("127.0.0.1").arg(OwnRedis.freePort())));
    assertUnavailable(awaitFailure(commands.send(Request.cmd(Command.SET).arg("k").arg("v"))));
    assertThat(await(commands.send(Request.cmd(Command.GET).arg("k")))).isNull();
  }

  @Test
  void aWrongTypeIsABugAndItsMessageHoldsNoKey() {
    RedisCommands commands = commands(TIMEOUT);
    await(raw(Request.cmd(Command.LPUSH).arg("+15550001111.1").arg("x")));
    assertThat(awaitFailure(commands.send(Request.cmd(Command.GET).arg("+15550001111.1"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("WRONGTYPE")
        .hasMessageNotContaining("+15550001111");
  }

  @Test
  void aMissedDeadlineIsUnavailable() {
    RedisCommands impatient = commands(Duration.ofMillis(200));
    await(impatient.send(Request.cmd(Command.PING)));
    await(raw(Request.cmd(Command.CLIENT).arg("PAUSE").arg(2000).arg("ALL")));
    assertUnavailable(awaitFailure(impatient.send(Request.cmd(Command.GET).arg("k"))));
  }

  private RedisCommands commands(Duration timeout) {
    PipelinedConnections connections = new PipelinedConnections(
        this::client, redis.url(), 1, TIMEOUT, timeout);
    opened.add(connections);
    return new RedisCommands(connections::send, redis.url(), timeout);
  }

  private Redis client() {
    Redis client = Redis.createClient(vertx, redis.url());
    clients.add(client);
    return client;
  }

  /** A command on a connection of its own, for setting the scene. */
  private Future<Response> raw(Request request) {
    return client().send(request);
  }

  private long calls(String command) {
    String info = await(raw(Request.cmd(Command.INFO).arg("commandstats"))).toString();
    Matcher calls = Pattern.compile("cmdstat_" + command + ":calls=(\\d+)").matcher(info);
    return calls.find() ? Long.parseLong(calls.group(1)) : 0;
  }

  /** The first failure of {@code request}, asked again while Redis still answers it. */
  private static Throwable awaitFailureOnce(RedisCommands commands, Request request) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      Future<Response> reply = commands.send(request);
      try {
        reply.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception failed) {
        return awaitFailure(reply);
      }
    }
    throw new AssertionError("Redis never refused " + request.command() + " within " + TIMEOUT);
  }

  /** The answer to {@code request} once Redis stops refusing it as unavailable. */
  private static Response awaitAnswer(RedisCommands commands, Request request) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      Future<Response> reply = commands.send(request);
      try {
        return reply.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception failed) {
        assertUnavailable(awaitFailure(reply));
        if (System.nanoTime() > deadline) {
          throw new AssertionError("still unavailable after 30 s", failed);
        }
      }
    }
  }

  private static void assertUnavailable(Throwable failure) {
    assertThat(failure).isInstanceOf(SealpostException.class);
    assertThat(((SealpostException) failure).code()).isEqualTo(ErrorCode.UNAVAILABLE);
  }

  /** A redis-server process of the test's own; nothing is saved unless the test asks. */
  private record OwnRedis(Process process, int port) {

    static OwnRedis start(Path dir, String... options) throws IOException {
      return start(dir, freePort(), options);
    }

    static OwnRedis start(Path dir, int port, String... options) {
      List<String> command = new ArrayList<>(List.of("redis-server", "--port",
          Integer.toString(port), "--bind", "127.0.0.1", "--dir", dir.toString(), "--save", "",
          "--appendonly", "no", "--daemonize", "no"));
      command.addAll(List.of(options));
      Process process;
      try {
        process = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis-" + port + ".log").toFile()).start();
      } catch (IOException e) {
        throw new AssertionError("cannot run redis-server (" + e.getMessage()
            + "); scripts/redis-start.sh installs it", e);
      }
      OwnRedis redis = new OwnRedis(process, port);
      redis.firstReply();
      return redis;
    }

    String url() {
      return "redis://127.0.0.1:" + port;
    }

    /** The first line a PING gets once the server accepts connections (+PONG, or -LOADING). */
    String firstReply() {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (process.isAlive() && System.nanoTime() < deadline) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
          socket.setSoTimeout(5000);
          socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
          return line(socket.getInputStream());
        } catch (IOException notYet) {
          Thread.onSpinWait();
        }
      }
      throw new AssertionError("redis-server on port " + port + " did not answer"
          + (process.isAlive() ? " within 10 s" : "; it exited with " + process.exitValue()));
    }

    void kill() {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    static int freePort() {
      try (ServerSocket socket = new ServerSocket(0)) {
        return socket.getLocalPort();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    private static String line(InputStream in) throws IOException {
      StringBuilder line = new StringBuilder();
      for (int b = in.read(); b >= 0 && b != '\r'; b = in.read()) {
        line.append((char) b);
      }
      return line.toString();
    }
  }
}
