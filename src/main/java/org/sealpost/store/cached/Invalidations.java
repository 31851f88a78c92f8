package org.sealpost.store.cached;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.sealpost.bus.Addresses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spreads the drops of the {@link NodeCache}s to every node: a write drops its key here at once
 * and publishes {@code <cache>:<key>} on {@link Addresses#CACHE_DROP}; each node (this one too)
 * drops it from its cache of that name.
 */
public final class Invalidations {
  private static final Logger log = LoggerFactory.getLogger(Invalidations.class);

  private final Vertx vertx;
  private final Map<String, NodeCache<?>> caches = new ConcurrentHashMap<>();
  private MessageConsumer<String> consumer;

  public Invalidations(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Starts taking other nodes' drops; completes once the consumer is registered (cluster-wide). */
  public Future<Void> start() {
    consumer = vertx.eventBus().consumer(Addresses.CACHE_DROP, msg -> onDrop(msg.body()));
    return consumer.completion();
  }

  public Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  void register(String name, NodeCache<?> cache) {
    if (name.indexOf(':') >= 0 || caches.putIfAbsent(name, cache) != null) {
      throw new IllegalArgumentException("cache name taken or invalid: " + name);
    }
  }

  /** Drops {@code key} from the cache {@code name} here, then on every other node. */
  void drop(String name, String key) {
    caches.get(name).drop(key);
    vertx.eventBus().publish(Addresses.CACHE_DROP, name + ":" + key);
  }

  private void onDrop(String body) {
    int colon = body == null ? -1 : body.indexOf(':');
    NodeCache<?> cache = colon < 0 ? null : caches.get(body.substring(0, colon));
    if (cache == null) {
      log.warn("ignoring a cache drop for an unknown cache");
      return;
    }
    cache.drop(body.substring(colon + 1));
  }
}
