package org.sealpost.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a one-to-one run counts, for opaque and for Signal clients alike: the open-loop load, the
 * latencies and counts of what was sent after the warm-up, and every acked and delivered id (of
 * the warm-up too) for the loss check.
 *
 * @param <K> how the scenario identifies a message
 */
final class OneToOneTally<K> {
  final AtomicLong errors = new AtomicLong();
  final AtomicLong receipts = new AtomicLong();
  final AtomicLong outstanding = new AtomicLong();
  private final OpenLoop load = new OpenLoop();
  private final LatencyStats ackLatency = new LatencyStats();
  private final LatencyStats deliveryLatency = new LatencyStats();
  private final Set<K> acked = ConcurrentHashMap.newKeySet();
  private final Set<K> delivered = ConcurrentHashMap.newKeySet();
  private final AtomicLong ackedMeasured = new AtomicLong();
  private final AtomicLong deliveredMeasured = new AtomicLong();
  private final AtomicLong ackedInTime = new AtomicLong();
  private final AtomicLong deliveredInTime = new AtomicLong();
  private CpuMeter cpu;

  /** Runs the load (warm-up, then the duration); completes with the measured sends. */
  Future<Long> run(Vertx vertx, BenchOptions options, Runnable send, CpuMeter cpu) {
    this.cpu = cpu;
    return load.run(vertx, options, outstanding, errors, send, cpu);
  }

  /** The server acked a send made at {@code sentAt} (System.nanoTime): its single tick. */
  void acked(K id, long sentAt) {
    if (load.measured(sentAt)) {
      long now = System.nanoTime();
      ackLatency.recordNanos(now - sentAt);
      ackedMeasured.incrementAndGet();
      if (load.inTime(now)) {
        ackedInTime.incrementAndGet();
      }
    }
    acked.add(id);
  }

  /** A send made at {@code sentAt} failed; true when it counts as an error (after the warm-up). */
  boolean failed(long sentAt) {
    if (!load.measured(sentAt)) {
      return false;
    }
    errors.incrementAndGet();
    return true;
  }

  /** The recipient got a message sent at {@code sentAt}. */
  void delivered(K id, long sentAt) {
    if (load.measured(sentAt)) {
      long now = System.nanoTime();
      deliveryLatency.recordNanos(now - sentAt);
      deliveredMeasured.incrementAndGet();
      if (load.inTime(now)) {
        deliveredInTime.incrementAndGet();
      }
    }
    delivered.add(id);
  }

  /** Nothing outstanding and every acked message delivered. */
  boolean settled() {
    return outstanding.get() == 0 && delivered.containsAll(acked);
  }

  BenchResult result(String crypto, int clients, BenchOptions options, long sent) {
    return result("one-to-one", crypto, clients, options, sent);
  }

  BenchResult result(String scenario, String crypto, int clients, BenchOptions options, long sent) {
    ackLatency.freeze();
    deliveryLatency.freeze();
    long lost = acked.stream().filter(id -> !delivered.contains(id)).count();
    return new BenchResult(scenario, crypto, clients, options, sent, ackedMeasured.get(), deliveredMeasured.get(),
        ackedInTime.get(), deliveredInTime.get(), lost, errors.get(), receipts.get(), load.measuredSeconds(), ackLatency,
        deliveryLatency, cpu.per(deliveredInTime.get()));
  }
}
