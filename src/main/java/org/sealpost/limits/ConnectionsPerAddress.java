package org.sealpost.limits;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts connections per remote address against a cap, across every verticle instance of a node:
 * what keeps one address from holding every slot (and file descriptor) of a listener. The gateway
 * counts its connections not yet authenticated with one (the slowloris guard: authenticated ones
 * are bounded by devices per account); the HTTP listeners count all of theirs.
 */
public final class ConnectionsPerAddress {
  private final int maxPerIp;
  private final ConcurrentHashMap<String, Integer> counts = new ConcurrentHashMap<>();

  /** @param maxPerIp the cap per address; 0 means no cap */
  public ConnectionsPerAddress(int maxPerIp) {
    this.maxPerIp = maxPerIp;
  }

  /** Takes a slot for {@code ip}; false when the address already holds the maximum. */
  public boolean tryAcquire(String ip) {
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
  public void release(String ip) {
    if (maxPerIp != 0) {
      counts.computeIfPresent(ip, (key, count) -> count <= 1 ? null : count - 1);
    }
  }
}
