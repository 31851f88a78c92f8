package org.sealpost.gateway;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts connections per remote address that have not authenticated yet, across every gateway
 * instance of the node: the slowloris guard. Authenticated connections are bounded elsewhere
 * (one per device, devices per account), so only the anonymous ones need a cap per address.
 */
public final class PreAuthLimiter {
  private final int maxPerIp;
  private final ConcurrentHashMap<String, Integer> counts = new ConcurrentHashMap<>();

  /** @param maxPerIp the cap per address; 0 means no cap */
  public PreAuthLimiter(int maxPerIp) {
    this.maxPerIp = maxPerIp;
  }

  /** Takes a slot for {@code ip}; false when the address already holds the maximum. */
  boolean tryAcquire(String ip) {
    if (maxPerIp == 0) {
      return true;
    }
    boolean[] admitted = {false};
    counts.compute(ip, (key, count) -> {
      int held = count == null ? 0 : count;
      if (held >= maxPerIp) {
        return count;
      }
      admitted[0] = true;
      return held + 1;
    });
    return admitted[0];
  }

  /** Gives back a slot taken by {@link #tryAcquire}. */
  void release(String ip) {
    if (maxPerIp != 0) {
      counts.computeIfPresent(ip, (key, count) -> count <= 1 ? null : count - 1);
    }
  }
}
