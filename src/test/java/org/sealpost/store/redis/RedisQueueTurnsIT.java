package org.sealpost.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sealpost.api.DeviceKey;
import org.sealpost.store.PendingSends;
import org.sealpost.store.QueueTurns.Status;
import org.sealpost.store.QueueTurns.Turn;
import org.sealpost.store.QueueTurns;
import org.sealpost.testing.RedisSupport;

/** Queue turns and pending sends on the test Redis, with a short lease so lapses are quick. */
@Tag("external")
class RedisQueueTurnsIT {
  private static final Duration LEASE = Duration.ofMillis(300);
  private static final DeviceKey BOB_1 = new DeviceKey("+15550002222", 1);

  private final String prefix = RedisSupport.uniquePrefix();
  private final Vertx vertx = Vertx.vertx();
  private RedisStores stores;
  private QueueTurns turns;
  private Redis inspect;

  @BeforeEach
  void open() {
    stores = RedisSupport.connect(vertx, RedisSupport.options(prefix));
    turns = new RedisQueueTurns(stores.commands(), prefix, LEASE);
    inspect = RedisSupport.client(vertx);
  }

  @AfterEach
  void close() {
    await(stores.close());
    await(inspect.close());
    await(vertx.close());
  }

  @Test
  void aTurnIsOneHoldersAtATimeAndHandsOutEachPositionOnce() {
    assertThat(await(turns.take(BOB_1, "a", 2, -1))).as("unknown device").isEqualTo(new Turn(Status.UNSEEDED, 0));
    assertThat(await(turns.take(BOB_1, "a", 2, 10))).isEqualTo(new Turn(Status.TAKEN, 10));
    assertThat(await(turns.take(BOB_1, "b", 1, -1)).status()).isEqualTo(Status.BUSY);
    assertThat(await(turns.give(BOB_1, "b", 13))).as("not b's turn").isFalse();

    assertThat(await(turns.give(BOB_1, "a", 12))).isTrue();
    assertThat(await(turns.take(BOB_1, "b", 1, 999))).as("the seed only counts when unknown")
        .isEqualTo(new Turn(Status.TAKEN, 12));
  }

  @Test
  void aLapsedTurnIsKeptUnlessAnotherHolderTookTheDevice() {
    assertThat(await(turns.take(BOB_1, "slow", 2, 0)).status()).isEqualTo(Status.TAKEN);
    awaitLapsed();
    assertThat(await(turns.give(BOB_1, "slow", 2))).as("nobody took the device meanwhile").isTrue();

    assertThat(await(turns.take(BOB_1, "slow", 2, -1))).isEqualTo(new Turn(Status.TAKEN, 2));
    awaitLapsed();
    assertThat(await(turns.take(BOB_1, "other", 1, -1))).isEqualTo(new Turn(Status.TAKEN, 4));
    assertThat(await(turns.give(BOB_1, "slow", 4))).as("another holder wrote after it").isFalse();
    assertThat(await(turns.give(BOB_1, "other", 5))).isTrue();
  }

  @Test
  void oneOfSeveralSendsOfAMessageStoresIt() {
    PendingSends sends = stores.queueCoordination().sends();
    assertThat(await(sends.claim("k", "first", Duration.ofMinutes(1)))).isEqualTo(new PendingSends.Claim(true, -1));
    PendingSends.Claim second = await(sends.claim("k", "second", Duration.ofMinutes(1)));
    assertThat(second.pending()).isTrue();

    await(sends.release("k", "second"));
    assertThat(await(sends.claim("k", "third", Duration.ofMinutes(1))).pending())
        .as("a release by a holder that lost changes nothing").isTrue();

    await(sends.stored("k", 1234, Duration.ofMinutes(1)));
    assertThat(await(sends.claim("k", "third", Duration.ofMinutes(1)))).isEqualTo(new PendingSends.Claim(false, 1234));
    await(sends.forget("k", 1234));
    assertThat(await(sends.claim("k", "fourth", Duration.ofMinutes(1))).won()).isTrue();
  }

  @Test
  void aClaimOfAProcessThatClosedIsTakenOverAtOnce() {
    RedisStores otherNode = RedisSupport.connect(vertx, RedisSupport.options(prefix));
    PendingSends sends = stores.queueCoordination().sends();
    assertThat(await(otherNode.queueCoordination().sends().claim("k", "first", Duration.ofMinutes(1))).won()).isTrue();
    assertThat(await(sends.claim("k", "retry", Duration.ofMinutes(1))).pending())
        .as("held by a live process").isTrue();

    await(otherNode.close());
    assertThat(await(sends.claim("k", "retry", Duration.ofMinutes(1)))).isEqualTo(new PendingSends.Claim(true, -1));
    assertThat(await(sends.claim("k", "another", Duration.ofMinutes(1))).pending())
        .as("the new claim is held by a live process").isTrue();
  }

  @Test
  void aClaimOfAProcessThatStoppedBeatingIsTakenOverOnceItsLivenessExpires() {
    RedisStores killed = RedisSupport.connect(vertx, RedisSupport.options(prefix));
    PendingSends sends = stores.queueCoordination().sends();
    assertThat(await(killed.queueCoordination().sends().claim("k", "first", Duration.ofMinutes(1))).won()).isTrue();
    String liveness = killed.pendingSends().livenessKey();
    long ttl = await(inspect.send(Request.cmd(Command.PTTL).arg(liveness))).toLong();
    assertThat(ttl).isPositive().isLessThanOrEqualTo(RedisPendingSends.LIVENESS_TTL.toMillis());

    killed.pendingSends().stopBeating();
    assertThat(await(sends.claim("k", "retry", Duration.ofMinutes(1))).pending()).isTrue();
    // What the TTL does to a killed process's key, without waiting it out.
    await(inspect.send(Request.cmd(Command.PEXPIRE).arg(liveness).arg(1)));
    RedisSupport.awaitUntil(vertx, () -> sends.claim("k", "retry", Duration.ofMinutes(1)),
        PendingSends.Claim::won, Duration.ofMillis(20), Duration.ofSeconds(10));
    await(killed.close());
  }

  /** Waits until the device's turn key has expired (Redis's own expiry, polled). */
  private void awaitLapsed() {
    String key = prefix + "qt:{" + BOB_1.number() + ":" + BOB_1.deviceId() + "}";
    RedisSupport.awaitUntil(vertx, () -> inspect.send(Request.cmd(Command.EXISTS).arg(key)),
        exists -> exists.toInteger() == 0, Duration.ofMillis(20), Duration.ofSeconds(10));
  }
}
