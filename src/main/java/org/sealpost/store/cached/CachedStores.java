package org.sealpost.store.cached;

import java.time.Duration;
import org.sealpost.store.Stores;

/**
 * Puts this node's copies in front of the stores the message path reads for every message:
 * accounts (a destination's devices), block lists and privacy settings. See {@link NodeCache} for
 * how copies are kept current.
 */
public final class CachedStores {
  private CachedStores() {}

  /**
   * @param maxEntries copies kept per cache at most
   * @param ttl how long a copy may be used at most, should a drop from another node be lost
   */
  public static Stores wrap(Stores stores, Invalidations invalidations, int maxEntries, Duration ttl) {
    long ttlNanos = ttl.toNanos();
    return new Stores(
        new CachedAccountStore(stores.accounts(), new NodeCache<>(maxEntries, ttlNanos, System::nanoTime), invalidations),
        stores.codes(),
        stores.messages(),
        stores.preKeys(),
        stores.rateLimits(),
        stores.sessions(),
        new CachedPrivacyStore(stores.privacy(), new NodeCache<>(maxEntries, ttlNanos, System::nanoTime),
            new NodeCache<>(maxEntries, ttlNanos, System::nanoTime), invalidations),
        stores.presence(),
        stores.groups(),
        stores.pushTokens(),
        stores.keyLog(),
        stores.resources());
  }
}
