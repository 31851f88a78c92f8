package org.sealpost.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;
import static org.sealpost.store.Awaits.inParallel;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sealpost.store.CodeStore;
import org.sealpost.store.CodeStore.CodeCheck;
import org.sealpost.store.CodeStoreContract;
import org.sealpost.testing.RedisSupport;

@Tag("external")
class RedisCodeStoreIT extends CodeStoreContract {
  private final String prefix = RedisSupport.uniquePrefix();
  private RedisStores stores;
  private RedisStores otherNode;
  private Redis inspect;

  @Override
  protected CodeStore newStore(Vertx vertx) {
    stores = RedisSupport.connect(vertx, RedisSupport.options(prefix));
    return stores.codes();
  }

  @AfterEach
  void close() {
    if (otherNode != null) {
      await(otherNode.close());
    }
    await(stores.close());
    if (inspect != null) {
      await(inspect.close());
    }
  }

  @Test
  void checksFromTwoNodesMatchExactlyOnce(Vertx vertx) {
    otherNode = RedisSupport.connect(vertx, RedisSupport.options(prefix));
    await(store.put(KEY, code("123456", EXPIRES)));
    List<CodeStore> nodes = List.of(store, otherNode.codes());
    List<CodeCheck> results = inParallel(10, i -> nodes.get(i % 2).check(KEY, "123456", NOW, 3));
    assertThat(results).filteredOn(CodeCheck.MATCH::equals).hasSize(1);
    assertThat(results).filteredOn(CodeCheck.ABSENT::equals).hasSize(9);
  }

  @Test
  void redisDropsACodeAGraceAfterItExpires(Vertx vertx) {
    inspect = RedisSupport.client(vertx);
    long grace = RedisCodeStore.EXPIRED_GRACE.toMillis();
    long inTenMinutes = System.currentTimeMillis() + Duration.ofMinutes(10).toMillis();
    await(store.put("live", code("1", inTenMinutes)));
    await(store.put("expired", code("2", NOW)));

    long livePttl = await(inspect.send(Request.cmd(Command.PTTL).arg(prefix + "{code}:live"))).toLong();
    assertThat(livePttl).isBetween(grace + Duration.ofMinutes(9).toMillis(), grace + Duration.ofMinutes(10).toMillis());
    long expiredPttl = await(inspect.send(Request.cmd(Command.PTTL).arg(prefix + "{code}:expired"))).toLong();
    assertThat(expiredPttl).isBetween(grace - Duration.ofMinutes(1).toMillis(), grace);
  }

  @Test
  void aSweepTakesEveryExpiredCodePastOneBatch() {
    int expired = 1_234;
    await(Future.all(IntStream.range(0, expired)
        .mapToObj(i -> store.put("old" + i, code("1", NOW - 1 - i))).toList()));
    await(store.put("new", code("2", EXPIRES)));

    assertThat(await(store.deleteExpired(NOW))).isEqualTo(expired);
    assertThat(await(store.get("old0"))).isEmpty();
    assertThat(await(store.get("old" + (expired - 1)))).isEmpty();
    assertThat(await(store.get("new"))).isPresent();
    assertThat(await(store.deleteExpired(NOW))).isZero();
  }
}
