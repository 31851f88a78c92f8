package org.sealpost.limits;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every client connection of the node (gateway TCP, HTTP and WebSocket, media) against one cap
 * kept below the process's file descriptor limit ({@code node.maxConnections}): however the
 * connections come, the node keeps descriptors for what it needs itself (its store's files, the
 * cluster, Redis and Cassandra, pushes) and stays able to accept and refuse. One over the cap is
 * closed as it opens. Safe from any thread.
 */
public final class NodeConnections {
  /** The share of the descriptor limit clients may hold when {@code node.maxConnections} is 0. */
  static final double SHARE_OF_DESCRIPTORS = 0.8;

  private final int max;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong refused = new AtomicLong();

  /** @param max the cap; 0 means no cap */
  public NodeConnections(int max) {
    this.max = max;
  }

  /** The cap for {@code configured} (0: {@value #SHARE_OF_DESCRIPTORS} of this process's descriptor limit, if known). */
  public static NodeConnections forLimit(int configured) {
    if (configured > 0) {
      return new NodeConnections(configured);
    }
    long descriptors = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix
        ? unix.getMaxFileDescriptorCount() : 0;
    return new NodeConnections(descriptors <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, (long) (descriptors * SHARE_OF_DESCRIPTORS)));
  }

  /** Takes a slot; false (counted as refused) when the node holds the maximum. */
  public boolean tryAcquire() {
    int now;
    do {
      now = open.get();
      if (max > 0 && now >= max) {
        refused.incrementAndGet();
        return false;
      }
    } while (!open.compareAndSet(now, now + 1));
    return true;
  }

  public void release() {
    open.decrementAndGet();
  }

  public int open() {
    return open.get();
  }

  public int max() {
    return max;
  }

  public long refused() {
    return refused.get();
  }
}
