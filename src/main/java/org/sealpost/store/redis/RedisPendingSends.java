package org.sealpost.store.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.List;
import org.sealpost.store.PendingSends;

/**
 * Pending sends in Redis: one key per dedupe key, {@code p:<holder>} while a send stores it (with
 * the lapse as its expiry), then {@code s:<server timestamp>} for a while. A claim is one Lua
 * script ({@code redis/send-claim.lua}: get, or set with expiry), marking stored a plain {@code
 * SET}, a release a compare-and-delete, forgetting {@code redis/send-forget.lua}: one round trip
 * each.
 */
final class RedisPendingSends implements PendingSends {
  static final LuaScript CLAIM = LuaScript.load("send-claim");
  static final LuaScript FORGET = LuaScript.load("send-forget");
  private static final String HELD = "p:";
  private static final String STORED = "s:";

  private final RedisCommands redis;
  private final String keyPrefix;

  RedisPendingSends(RedisCommands redis, String keyPrefix) {
    this.redis = redis;
    this.keyPrefix = keyPrefix + "send:";
  }

  @Override
  public Future<Claim> claim(String key, String holder, Duration lapseAfter) {
    return redis.eval(CLAIM, List.of(keyPrefix + key), List.of(HELD + holder, Long.toString(lapseAfter.toMillis())))
        .map(reply -> {
          String found = reply.toString();
          if (found.isEmpty()) {
            return new Claim(true, -1);
          }
          return found.startsWith(STORED)
              ? new Claim(false, Long.parseLong(found.substring(STORED.length())))
              : new Claim(false, -1);
        });
  }

  @Override
  public Future<Void> stored(String key, long serverTimestamp, Duration keepFor) {
    return redis.send(Request.cmd(Command.SET).arg(keyPrefix + key).arg(STORED + serverTimestamp)
        .arg("PX").arg(keepFor.toMillis())).mapEmpty();
  }

  @Override
  public Future<Void> release(String key, String holder) {
    return redis.eval(LuaScript.DELETE_IF_EQUAL, List.of(keyPrefix + key), List.of(HELD + holder)).mapEmpty();
  }

  @Override
  public Future<Void> forget(String key, long serverTimestamp) {
    return redis.eval(FORGET, List.of(keyPrefix + key), List.of(STORED + serverTimestamp)).mapEmpty();
  }
}
