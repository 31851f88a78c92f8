package org.sealpost.store.redis;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.sealpost.store.PendingSends;

/**
 * Pending sends in Redis: one key per dedupe key, {@code p:<process>/<holder>} while a send stores
 * it (with the lapse as its expiry), then {@code s:<server timestamp>} for a while. A claim is one
 * Lua script ({@code redis/send-claim.lua}: get, or set with expiry), marking stored a plain {@code
 * SET}, a release a compare-and-delete, forgetting {@code redis/send-forget.lua}: one round trip
 * each.
 *
 * <p>Each process that claims keeps a liveness key ({@code alive:<process>}, refreshed every
 * {@link #BEAT_EVERY}, expiring {@link #LIVENESS_TTL} after the last beat, deleted on close). A
 * claim held by a process whose key is gone (killed, crashed, shut down) is taken over at once
 * ({@code redis/send-take-over.lua}), so the retries of the sends a dead node was storing go
 * through within seconds instead of waiting for the claim to lapse. Taking over is safe as the
 * lapse is: the new holder is a retry, which reads the store's record before storing, so a send the
 * dead node did store answers as a duplicate; one it stored without its record is stored twice,
 * never lost. A live process stalled for longer than the TTL (a long GC pause) can lose its claims
 * the same way, with the same outcome.
 */
final class RedisPendingSends implements PendingSends {
  static final LuaScript CLAIM = LuaScript.load("send-claim");
  static final LuaScript FORGET = LuaScript.load("send-forget");
  static final LuaScript TAKE_OVER = LuaScript.load("send-take-over");
  /** How long a process's liveness key outlives its last beat. */
  static final Duration LIVENESS_TTL = Duration.ofSeconds(10);
  private static final Duration BEAT_EVERY = Duration.ofSeconds(2);
  private static final String HELD = "p:";
  private static final String STORED = "s:";

  private final RedisCommands redis;
  private final String keyPrefix;
  private final String livenessPrefix;
  /** This process's id in the claims it makes; new at each start. */
  private final String process = UUID.randomUUID().toString();
  private final Heartbeat heartbeat;

  RedisPendingSends(Vertx vertx, RedisCommands redis, String keyPrefix) {
    this.redis = redis;
    this.keyPrefix = keyPrefix + "send:";
    this.livenessPrefix = keyPrefix + "alive:";
    this.heartbeat = new Heartbeat(vertx, () -> redis.send(Request.cmd(Command.SET).arg(livenessPrefix + process)
        .arg("1").arg("PX").arg(LIVENESS_TTL.toMillis())));
  }

  /** Starts beating; completes after the first beat, so no claim goes out before the process is alive. */
  Future<Void> start() {
    return heartbeat.beat().onSuccess(v -> heartbeat.start(BEAT_EVERY));
  }

  /** Stops beating and deletes the liveness key: claims this process still holds can be taken over. */
  Future<Void> close() {
    heartbeat.stop();
    return redis.send(Request.cmd(Command.DEL).arg(livenessPrefix + process)).mapEmpty();
  }

  /** Stops beating, leaving the liveness key to expire, as a killed process does; for tests. */
  void stopBeating() {
    heartbeat.stop();
  }

  /** The liveness key of this process; for tests. */
  String livenessKey() {
    return livenessPrefix + process;
  }

  @Override
  public Future<Claim> claim(String key, String holder, Duration lapseAfter) {
    String claim = held(holder);
    return redis.eval(CLAIM, List.of(keyPrefix + key), List.of(claim, Long.toString(lapseAfter.toMillis())))
        .compose(reply -> {
          String found = reply.toString();
          if (found.isEmpty()) {
            return Future.succeededFuture(new Claim(true, -1));
          }
          if (found.startsWith(STORED)) {
            return Future.succeededFuture(new Claim(false, Long.parseLong(found.substring(STORED.length()))));
          }
          return takeOverIfDead(key, found, claim, lapseAfter);
        });
  }

  @Override
  public Future<Void> stored(String key, long serverTimestamp, Duration keepFor) {
    return redis.send(Request.cmd(Command.SET).arg(keyPrefix + key).arg(STORED + serverTimestamp)
        .arg("PX").arg(keepFor.toMillis())).mapEmpty();
  }

  @Override
  public Future<Void> release(String key, String holder) {
    return redis.eval(LuaScript.DELETE_IF_EQUAL, List.of(keyPrefix + key), List.of(held(holder))).mapEmpty();
  }

  @Override
  public Future<Void> forget(String key, long serverTimestamp) {
    return redis.eval(FORGET, List.of(keyPrefix + key), List.of(STORED + serverTimestamp)).mapEmpty();
  }

  private String held(String holder) {
    return HELD + process + "/" + holder;
  }

  /** A claim found held: still pending while its process lives, else the caller's if it can take it over. */
  private Future<Claim> takeOverIfDead(String key, String found, String claim, Duration lapseAfter) {
    int slash = found.indexOf('/');
    // A claim without a process (made before processes were named) is left to lapse.
    String owner = slash < 0 ? process : found.substring(HELD.length(), slash);
    if (owner.equals(process)) {
      return Future.succeededFuture(new Claim(false, -1));
    }
    return redis.send(Request.cmd(Command.EXISTS).arg(livenessPrefix + owner)).compose(alive -> alive.toInteger() > 0
        ? Future.succeededFuture(new Claim(false, -1))
        : redis.eval(TAKE_OVER, List.of(keyPrefix + key), List.of(found, claim, Long.toString(lapseAfter.toMillis())))
            .map(taken -> new Claim(taken.toInteger() == 1, -1)));
  }
}
