package org.sealpost.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sealpost.store.PresenceStore;
import org.sealpost.store.PresenceStoreContract;
import org.sealpost.testing.RedisSupport;

@Tag("external")
class RedisPresenceStoreIT extends PresenceStoreContract {
  private static final Duration SHORT_TTL = Duration.ofMillis(300);

  private final String prefix = RedisSupport.uniquePrefix();
  private final List<RedisStores> opened = new ArrayList<>();
  private Vertx vertx;
  private Redis inspect;

  @Override
  protected PresenceStore newStore(Vertx vertx) {
    this.vertx = vertx;
    this.inspect = RedisSupport.client(vertx);
    return node(RedisSupport.options(prefix)).presence();
  }

  @AfterEach
  void close() {
    opened.forEach(stores -> await(stores.close()));
    await(inspect.close());
  }

  private RedisStores node(RedisStoreOptions options) {
    RedisStores stores = RedisSupport.connect(vertx, options);
    opened.add(stores);
    return stores;
  }

  @Test
  void twoNodesCountOneAccountsDevicesTogether() {
    PresenceStore other = node(RedisSupport.options(prefix)).presence();
    assertThat(await(store.connected(PHONE))).isEqualTo(1);
    assertThat(await(other.connected(LAPTOP))).isEqualTo(2);
    assertThat(await(store.disconnected(PHONE, 1_000))).isEqualTo(1);
    assertThat(await(other.get(ALICE)).online()).isTrue();
    assertThat(await(other.disconnected(LAPTOP, 2_000))).isZero();
    assertThat(await(store.get(ALICE)).lastSeen()).isEqualTo(2_000);
  }

  @Test
  void theDevicesOfANodeThatStopsRefreshingDropOut() {
    RedisPresenceStore dying = (RedisPresenceStore) node(RedisSupport.options(prefix).withSessionTtl(SHORT_TTL))
        .presence();
    await(dying.connected(PHONE));
    dying.stopRefreshing();
    RedisSupport.awaitUntil(vertx, () -> store.get(ALICE), state -> !state.online(), Duration.ofMillis(20),
        Duration.ofSeconds(5));
  }

  @Test
  void aNodeThatClosesMarksItsDevicesOffline() {
    RedisStores closing = RedisSupport.connect(vertx, RedisSupport.options(prefix));
    await(closing.presence().connected(PHONE));
    await(closing.close());
    assertThat(await(store.get(ALICE)).online()).isFalse();
    assertThat(await(store.get(ALICE)).lastSeen()).isPositive();
  }

  @Test
  void aLiveNodeKeepsItsDevicesOnlinePastTheTtl() {
    Duration ttl = Duration.ofMillis(600);
    PresenceStore live = node(RedisSupport.options(prefix).withSessionTtl(ttl)).presence();
    await(live.connected(PHONE));
    await(vertx.timer(ttl.multipliedBy(4).toMillis()));
    assertThat(await(live.get(ALICE)).online()).isTrue();
  }

  @Test
  void forgetLeavesNoKeyNamingTheNumberAndNoMemberNamingIt() {
    aliceWithPresenceAndSubscriptions();
    assertThat(keysContaining(ALICE)).as("devices, lastseen, subs and two subof").hasSize(5);

    await(store.forget(ALICE, List.of(PHONE, LAPTOP)));

    assertThat(keysContaining(ALICE)).isEmpty();
    String watcherList = prefix + "presence:subof:" + WATCHER.id();
    assertThat(members(watcherList)).as("the watcher's own list").containsExactly(BOB);
  }

  /** A device held by this node is not counted again by its heartbeat once forgotten. */
  @Test
  void aForgottenDeviceIsNotRefreshedBackOnline() {
    RedisPresenceStore presence = (RedisPresenceStore) store;
    await(presence.connected(PHONE));
    await(presence.forget(ALICE, List.of(PHONE)));
    await(presence.refreshHeld());
    assertThat(await(store.get(ALICE))).isEqualTo(new PresenceStore.PresenceState(false, 0));
    assertThat(keysContaining(ALICE)).isEmpty();
  }

  private List<String> keysContaining(String text) {
    List<String> keys = new ArrayList<>();
    String cursor = "0";
    do {
      Response page = await(inspect.send(Request.cmd(Command.SCAN).arg(cursor)
          .arg("MATCH").arg(prefix + "*").arg("COUNT").arg(1000)));
      cursor = page.get(0).toString();
      page.get(1).forEach(key -> {
        if (key.toString().contains(text)) {
          keys.add(key.toString());
        }
      });
    } while (!cursor.equals("0"));
    return keys;
  }

  private Set<String> members(String key) {
    Set<String> members = new HashSet<>();
    await(inspect.send(Request.cmd(Command.SMEMBERS).arg(key))).forEach(member -> members.add(member.toString()));
    return members;
  }
}
