package org.sealpost.store.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.sealpost.store.CodeStore;
import org.sealpost.store.proto.CodeRecord;

/**
 * Codes in Redis: one hash per code (code, number, expires_at, attempts) and a sorted set of code
 * keys by expires_at for the sweep. A put, a check and a sweep step are each one Lua script
 * ({@code redis/code-put.lua}, {@code code-check.lua}, {@code code-sweep.lua}), so a check is one
 * atomic round trip: of concurrent checks with the right code exactly one answers MATCH, from
 * any number of nodes. Cassandra did this with two compare-and-set writes (Paxos) per
 * registration; codes live minutes and a lost one costs a new request, so they need no more than
 * Redis gives.
 *
 * <p>Every key carries the hash tag {@code {code}}, so in a Redis Cluster all codes and their
 * index share one slot and the scripts stay single-slot. A code's hash expires {@link
 * #EXPIRED_GRACE} after the code does, so codes stay bounded even if no sweep runs; until then an
 * expired code is there for {@link #get} and {@link #deleteExpired}, as in every store.
 */
final class RedisCodeStore implements CodeStore {
  static final LuaScript PUT = LuaScript.load("code-put");
  static final LuaScript CHECK = LuaScript.load("code-check");
  static final LuaScript SWEEP = LuaScript.load("code-sweep");
  /** How long an expired code stays before Redis drops it. */
  static final Duration EXPIRED_GRACE = Duration.ofDays(1);
  /** Index entries one sweep script takes; bounds how long it holds Redis. */
  private static final int SWEEP_BATCH = 500;

  private final RedisCommands redis;
  private final String codePrefix;
  private final String index;

  RedisCodeStore(RedisCommands redis, String keyPrefix) {
    this.redis = redis;
    this.codePrefix = keyPrefix + "{code}:";
    this.index = keyPrefix + "{code}expiry";
  }

  @Override
  public Future<Void> put(String key, CodeRecord record) {
    // The node's clock, as expires_at is; PEXPIRE needs a positive time, so an expired code gets the grace.
    long left = Math.max(0, record.getExpiresAt() - System.currentTimeMillis());
    return redis.eval(PUT, List.of(codePrefix + key, index), List.of(key, record.getCode(), record.getNumber(),
        Long.toString(record.getExpiresAt()), Long.toString(left + EXPIRED_GRACE.toMillis()))).mapEmpty();
  }

  @Override
  public Future<Optional<CodeRecord>> get(String key) {
    return redis.send(Request.cmd(Command.HMGET).arg(codePrefix + key).arg("code").arg("number").arg("expires")
        .arg("attempts")).map(reply -> reply == null || reply.get(0) == null
            ? Optional.empty()
            : Optional.of(CodeRecord.newBuilder()
                .setCode(reply.get(0).toString())
                .setNumber(reply.get(1).toString())
                .setExpiresAt(reply.get(2).toLong())
                .setAttempts(reply.get(3).toInteger())
                .build()));
  }

  @Override
  public Future<CodeCheck> check(String key, String code, long nowMillis, int maxAttempts) {
    return redis.eval(CHECK, List.of(codePrefix + key, index),
            List.of(key, code, Long.toString(nowMillis), Integer.toString(maxAttempts)))
        .map(reply -> CodeCheck.valueOf(reply.toString()));
  }

  /** One script per {@link #SWEEP_BATCH} expired codes, until none is left. */
  @Override
  public Future<Long> deleteExpired(long nowMillis) {
    return sweep(nowMillis, 0);
  }

  private Future<Long> sweep(long nowMillis, long deletedSoFar) {
    return redis.eval(SWEEP, List.of(index),
            List.of(Long.toString(nowMillis), codePrefix, Integer.toString(SWEEP_BATCH)))
        .compose(reply -> {
          long deleted = deletedSoFar + reply.get(0).toLong();
          return reply.get(1).toInteger() < SWEEP_BATCH ? Future.succeededFuture(deleted) : sweep(nowMillis, deleted);
        });
  }
}
