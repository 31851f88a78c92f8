package org.sealpost.gateway;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The node's budget for deliveries written to clients and not yet acked
 * ({@code gateway.maxNodeUnackedBytes}), shared by every gateway instance: what keeps many
 * readers that never ack from pinning the node's memory together. Each connection may always
 * have one delivery out, so a device is never starved by others; beyond that it takes credit
 * from here and gives it back when the client answers, the connection closes, or the device
 * is parked. Safe from any thread.
 */
public final class UnackedBytes {
  private final long max;
  private final AtomicLong held = new AtomicLong();

  public UnackedBytes(long max) {
    this.max = max;
  }

  /** Takes {@code bytes} of credit: always when {@code first} (the connection has nothing out), else only within the budget. */
  boolean tryTake(long bytes, boolean first) {
    if (first) {
      held.addAndGet(bytes);
      return true;
    }
    long now;
    do {
      now = held.get();
      if (now + bytes > max) {
        return false;
      }
    } while (!held.compareAndSet(now, now + bytes));
    return true;
  }

  void give(long bytes) {
    held.addAndGet(-bytes);
  }

  /** Bytes of unacked deliveries that hold credit now. */
  public long held() {
    return held.get();
  }

  public long max() {
    return max;
  }
}
