package org.sealpost.store.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.List;
import org.sealpost.api.DeviceKey;
import org.sealpost.store.QueueTurns;

/**
 * Queue turns in Redis: per device, a turn key (the holder's id, expiring after the lease) and a
 * counter of the positions given out, both changed by one Lua script per take ({@code
 * redis/queue-turn-take.lua}) and one per give ({@code redis/queue-turn-give.lua}), so a turn costs two round trips. The two keys
 * share a hash tag, so a Redis Cluster keeps them in one slot.
 *
 * <p>The counter expires after {@link #COUNTER_TTL} without use, and Redis may lose it (a restart
 * without persistence): the next take then answers unseeded and the store seeds it from its own
 * record of positions, which may lag a little behind (see the caller's margin).
 */
final class RedisQueueTurns implements QueueTurns {
  static final LuaScript TAKE = LuaScript.load("queue-turn-take");
  static final LuaScript GIVE = LuaScript.load("queue-turn-give");
  /** A counter unused this long is dropped; the queue's own record seeds it again. */
  static final Duration COUNTER_TTL = Duration.ofDays(30);

  private final RedisCommands redis;
  private final String keyPrefix;
  private final Duration lease;

  RedisQueueTurns(RedisCommands redis, String keyPrefix, Duration lease) {
    this.redis = redis;
    this.keyPrefix = keyPrefix + "qt:";
    this.lease = lease;
  }

  @Override
  public Future<Turn> take(DeviceKey device, String holder, int count, long seed) {
    String turn = turnKey(device);
    return redis.eval(TAKE, List.of(turn, turn + ":last"),
            List.of(holder, Long.toString(lease.toMillis()), Integer.toString(count), Long.toString(seed),
                Long.toString(COUNTER_TTL.toMillis())))
        .map(reply -> switch (reply.get(0).toInteger()) {
          case 0 -> new Turn(Status.TAKEN, reply.get(1).toLong());
          case 1 -> new Turn(Status.BUSY, 0);
          case 2 -> new Turn(Status.UNSEEDED, 0);
          default -> throw new IllegalStateException("queue-turn-take answered " + reply);
        });
  }

  @Override
  public Future<Boolean> give(DeviceKey device, String holder, long last) {
    String turn = turnKey(device);
    return redis.eval(GIVE, List.of(turn, turn + ":last"), List.of(holder, Long.toString(last)))
        .map(reply -> reply.toInteger() == 1);
  }

  @Override
  public Future<Void> forget(DeviceKey device) {
    String turn = turnKey(device);
    return redis.send(Request.cmd(Command.DEL).arg(turn).arg(turn + ":last")).mapEmpty();
  }

  @Override
  public Duration lease() {
    return lease;
  }

  /** {@code <prefix>qt:{<number>:<device>}}: the braces are the hash tag of both keys. */
  private String turnKey(DeviceKey device) {
    return keyPrefix + "{" + device.number() + ":" + device.deviceId() + "}";
  }
}
