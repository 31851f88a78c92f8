package org.sealpost.store.redis;

import static org.sealpost.store.Awaits.await;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.sealpost.testing.RedisSupport;

/**
 * The nodes a test opens on the test Redis (stores under one key prefix of its own, as the nodes
 * of one deployment share it) and a plain client to look at keys, all closed after the test.
 * Register it on an instance field, so each test gets its own prefix.
 */
final class RedisNodes implements AfterEachCallback {
  private final String prefix = RedisSupport.uniquePrefix();
  private final List<RedisStores> opened = new ArrayList<>();
  private Redis inspect;

  /** The key prefix every node of this test uses. */
  String prefix() {
    return prefix;
  }

  /** Opens one more node's stores. */
  RedisStores open(Vertx vertx) {
    RedisStores stores = RedisSupport.connect(vertx, RedisSupport.options(prefix));
    opened.add(stores);
    return stores;
  }

  /** A client that reads keys directly, opened on first use. */
  Redis inspect(Vertx vertx) {
    if (inspect == null) {
      inspect = RedisSupport.client(vertx);
    }
    return inspect;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    opened.forEach(stores -> await(stores.close()));
    opened.clear();
    if (inspect != null) {
      await(inspect.close());
    }
  }
}
