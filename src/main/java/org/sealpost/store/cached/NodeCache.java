package org.sealpost.store.cached;

import io.vertx.core.Future;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * A node's in-memory copy of records the message path reads for every message, keyed by number.
 * Entries are dropped by the writes that change them ({@link Invalidations} spreads each drop to
 * every node) and live at most {@code ttl} in any case, which bounds how stale a copy can be should
 * a drop be lost on its way to another node.
 *
 * <p>A read that started before a drop of any key does not install what it read: it may predate
 * the write. The check and the install are one atomic step against the drop (both hold the key's
 * bin in the map), so a copy older than a completed drop is never kept. Safe from any thread.
 */
final class NodeCache<V> {
  private record Entry<V>(V value, long loadedAt) {}

  private final ConcurrentHashMap<String, Entry<V>> entries = new ConcurrentHashMap<>();
  private final AtomicLong drops = new AtomicLong();
  private final int maxEntries;
  private final long ttlNanos;
  private final LongSupplier nanoTime;

  NodeCache(int maxEntries, long ttlNanos, LongSupplier nanoTime) {
    this.maxEntries = maxEntries;
    this.ttlNanos = ttlNanos;
    this.nanoTime = nanoTime;
  }

  /** A read in progress: when it started, by the clock and by the drops. */
  record Ticket(long startedAt, long epoch) {}

  /** The fresh copy of {@code key}; null when there is none. */
  V peek(String key) {
    Entry<V> entry = entries.get(key);
    return entry != null && nanoTime.getAsLong() - entry.loadedAt() < ttlNanos ? entry.value() : null;
  }

  /**
   * The copy of {@code key}, or what {@code load} reads (kept unless {@code load} gives null,
   * which stands for "nothing to keep": an absent record is read again next time).
   */
  Future<V> get(String key, Function<String, Future<V>> load) {
    V copy = peek(key);
    if (copy != null) {
      return Future.succeededFuture(copy);
    }
    Ticket ticket = begin();
    return load.apply(key).andThen(ar -> {
      if (ar.succeeded() && ar.result() != null) {
        keep(key, ar.result(), ticket);
      }
    });
  }

  /** Call before reading records from the store that {@link #keep} will then be given. */
  Ticket begin() {
    return new Ticket(nanoTime.getAsLong(), drops.get());
  }

  /** Keeps what a read that began with {@code ticket} found, unless a drop came since. */
  void keep(String key, V value, Ticket ticket) {
    if (entries.size() >= maxEntries) {
      evictSome();
    }
    Entry<V> entry = new Entry<>(value, ticket.startedAt());
    entries.compute(key, (k, old) -> drops.get() == ticket.epoch() ? entry : old);
  }

  /** Forgets {@code key}; reads in flight will not install what they read. */
  void drop(String key) {
    drops.incrementAndGet();
    entries.remove(key);
  }

  /** Forgets everything (a node that may have missed drops). */
  void dropAll() {
    drops.incrementAndGet();
    entries.clear();
  }

  int size() {
    return entries.size();
  }

  /** Makes room: drops about a tenth of the entries, whichever the map yields first. */
  private void evictSome() {
    int toEvict = Math.max(1, maxEntries / 10);
    Iterator<String> keys = entries.keySet().iterator();
    while (toEvict-- > 0 && keys.hasNext()) {
      keys.next();
      keys.remove();
    }
  }
}
