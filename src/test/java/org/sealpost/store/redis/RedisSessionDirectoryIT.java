package org.sealpost.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sealpost.api.DeviceKey;
import org.sealpost.store.SessionDirectory;
import org.sealpost.store.SessionDirectoryContract;
import org.sealpost.testing.RedisSupport;

@Tag("external")
class RedisSessionDirectoryIT extends SessionDirectoryContract {
  private static final Duration SHORT_TTL = Duration.ofMillis(300);
  private static final Duration POLL = Duration.ofMillis(20);
  private static final Duration DEADLINE = Duration.ofSeconds(5);

  private final String prefix = RedisSupport.uniquePrefix();
  private final List<RedisStores> opened = new ArrayList<>();
  private Vertx vertx;
  private Redis inspect;

  @Override
  protected SessionDirectory newDirectory(Vertx vertx) {
    this.vertx = vertx;
    this.inspect = RedisSupport.client(vertx);
    return node(RedisSupport.options(prefix)).sessions();
  }

  @AfterEach
  void close() {
    opened.forEach(stores -> await(stores.close()));
    await(inspect.close());
  }

  @Test
  void anEntryLivesForTheTtl() {
    RedisSessionDirectory node = node(RedisSupport.options(prefix).withSessionTtl(SHORT_TTL))
        .sessionDirectory();
    await(node.register(DEVICE, "node-a"));
    assertThat(pttl(DEVICE)).isPositive().isLessThanOrEqualTo(SHORT_TTL.toMillis());
  }

  @Test
  void theEntriesOfANodeThatStopsRefreshingExpire() {
    RedisSessionDirectory node = node(RedisSupport.options(prefix).withSessionTtl(SHORT_TTL))
        .sessionDirectory();
    await(node.register(DEVICE, "node-a"));
    node.stopRefreshing();
    RedisSupport.awaitUntil(vertx, () -> node.lookup(DEVICE), Optional::isEmpty, POLL, DEADLINE);
  }

  @Test
  void aLiveNodeKeepsItsEntriesPastTheTtl() {
    // Refreshed every 200 ms: 400 ms of slack for a loaded machine before the entry could lapse.
    Duration ttl = Duration.ofMillis(600);
    RedisSessionDirectory node = node(RedisSupport.options(prefix).withSessionTtl(ttl))
        .sessionDirectory();
    await(node.register(DEVICE, "node-a"));
    await(vertx.timer(ttl.multipliedBy(4).toMillis()));
    assertThat(await(node.lookup(DEVICE))).contains("node-a");
    assertThat(pttl(DEVICE)).isPositive();
  }

  @Test
  void unregisterIsACompareAndDelete() {
    await(directory.register(DEVICE, "node-b"));
    await(directory.unregister(DEVICE, "node-a"));
    assertThat(await(directory.lookup(DEVICE))).contains("node-b");
    await(directory.unregister(new DeviceKey("+15550001111", 2), "node-b"));
    assertThat(await(directory.lookup(DEVICE))).contains("node-b");
  }

  @Test
  void aLateUnregisterDoesNotRemoveANewerConnectionOnAnotherNode() {
    SessionDirectory nodeA = directory;
    SessionDirectory nodeB = node(RedisSupport.options(prefix)).sessions();
    await(nodeA.register(DEVICE, "node-a"));
    await(nodeB.register(DEVICE, "node-b"));
    await(nodeA.unregister(DEVICE, "node-a"));
    assertThat(await(nodeA.lookup(DEVICE))).contains("node-b");
  }

  @Test
  void aRefreshSetsExpiredEntriesAgainAndLeavesOtherNodesAlone() {
    RedisSessionDirectory nodeA = node(RedisSupport.options(prefix)).sessionDirectory();
    RedisSessionDirectory nodeB = node(RedisSupport.options(prefix)).sessionDirectory();
    DeviceKey moved = new DeviceKey("+15550002222", 1);
    await(nodeA.register(DEVICE, "node-a"));
    await(nodeA.register(moved, "node-a"));
    await(nodeB.register(moved, "node-b"));
    await(inspect.send(Request.cmd(Command.DEL).arg(key(DEVICE))));

    await(nodeA.refreshHeld());
    assertThat(await(nodeA.lookup(DEVICE))).contains("node-a");
    assertThat(pttl(DEVICE)).isPositive();
    assertThat(await(nodeA.lookup(moved))).contains("node-b");
  }

  @Test
  void aRefreshCoversManyBatches() {
    RedisSessionDirectory node = node(RedisSupport.options(prefix)).sessionDirectory();
    int count = RedisSessionDirectory.REFRESH_BATCH * 2 + 7;
    List<DeviceKey> devices = IntStream.range(0, count)
        .mapToObj(i -> new DeviceKey("+1555" + String.format("%07d", i), 1))
        .toList();
    await(Future.all(devices.stream().map(d -> node.register(d, "node-a")).toList()));
    await(inspect.send(Request.cmd(Command.DEL).arg(key(devices.get(0)))
        .arg(key(devices.get(RedisSessionDirectory.REFRESH_BATCH)))
        .arg(key(devices.get(count - 1)))));

    await(node.refreshHeld());
    List<Optional<String>> found =
        await(Future.all(devices.stream().map(node::lookup).toList())).list();
    assertThat(found).hasSize(count).allSatisfy(entry -> assertThat(entry).contains("node-a"));
  }

  @Test
  void closingANodeDeletesOnlyItsOwnEntries() {
    RedisStores storesA = node(RedisSupport.options(prefix));
    SessionDirectory nodeA = storesA.sessions();
    DeviceKey onlyA = new DeviceKey("+15550003333", 1);
    DeviceKey movedToB = new DeviceKey("+15550004444", 1);
    await(nodeA.register(onlyA, "node-a"));
    await(nodeA.register(movedToB, "node-a"));
    await(directory.register(movedToB, "node-b"));

    await(storesA.close());
    opened.remove(storesA);
    assertThat(await(directory.lookup(onlyA))).isEmpty();
    assertThat(await(directory.lookup(movedToB))).contains("node-b");
  }

  @Test
  void unregisteredDevicesAreNoLongerRefreshed() {
    RedisSessionDirectory node = node(RedisSupport.options(prefix)).sessionDirectory();
    await(node.register(DEVICE, "node-a"));
    await(node.unregister(DEVICE, "node-a"));
    assertThat(node.heldCount()).isZero();
    await(node.refreshHeld());
    assertThat(await(node.lookup(DEVICE))).isEmpty();
  }

  private RedisStores node(RedisStoreOptions options) {
    RedisStores stores = RedisSupport.connect(vertx, options);
    opened.add(stores);
    return stores;
  }

  private long pttl(DeviceKey device) {
    return await(inspect.send(Request.cmd(Command.PTTL).arg(key(device)))).toLong();
  }

  private String key(DeviceKey device) {
    return prefix + "session:" + device.id();
  }
}
