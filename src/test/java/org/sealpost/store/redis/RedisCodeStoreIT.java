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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sealpost.store.CodeStore;
import org.sealpost.store.CodeStore.CodeCheck;
import org.sealpost.store.CodeStoreContract;

@Tag("external")
class RedisCodeStoreIT extends CodeStoreContract {
  @RegisterExtension final RedisNodes nodes = new RedisNodes();

  @Override
  protected CodeStore newStore(Vertx vertx) {
    return nodes.open(vertx).codes();
  }

  @Test
  void checksFromTwoNodesMatchExactlyOnce(Vertx vertx) {
    CodeStore otherNode = nodes.open(vertx).codes();
    await(store.put(KEY, code("123456", EXPIRES)));
    List<CodeStore> both = List.of(store, otherNode);
    List<CodeCheck> results = inParallel(10, i -> both.get(i % 2).check(KEY, "123456", NOW, 3));
    assertThat(results).filteredOn(CodeCheck.MATCH::equals).hasSize(1);
    assertThat(results).filteredOn(CodeCheck.ABSENT::equals).hasSize(9);
  }

  @Test
  void redisDropsACodeAGraceAfterItExpires(Vertx vertx) {
    Redis inspect = nodes.inspect(vertx);
    long grace = RedisCodeStore.EXPIRED_GRACE.toMillis();
    long inTenMinutes = System.currentTimeMillis() + Duration.ofMinutes(10).toMillis();
    await(store.put("live", code("1", inTenMinutes)));
    await(store.put("expired", code("2", NOW)));

    long livePttl = await(inspect.send(Request.cmd(Command.PTTL).arg(nodes.prefix() + "{code}:live"))).toLong();
    assertThat(livePttl).isBetween(grace + Duration.ofMinutes(9).toMillis(), grace + Duration.ofMinutes(10).toMillis());
    long expiredPttl = await(inspect.send(Request.cmd(Command.PTTL).arg(nodes.prefix() + "{code}:expired"))).toLong();
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
