package org.sealpost.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's meters: connections by transport, authenticated devices, frames, deliveries,
 * delivery latency and receipts handed to devices (docs/operations.md lists them all).
 */
public final class GatewayMetrics {
  private final AtomicInteger tcp = new AtomicInteger();
  private final AtomicInteger websocket = new AtomicInteger();
  private final AtomicInteger authenticated = new AtomicInteger();
  private final Counter framesIn;
  private final Counter framesOut;
  private final Counter rejectedFrames;
  private final Counter deliveries;
  private final Counter acks;
  private final Counter slowReaders;
  private final Counter parked;
  private final MeterRegistry registry;
  private final io.micrometer.core.instrument.Timer deliveryLatency;
  private final Counter deliveryReceipts;
  private final Counter readReceipts;

  public GatewayMetrics(MeterRegistry registry) {
    registry.gauge("sealpost.gateway.connections", io.micrometer.core.instrument.Tags.of("transport", "tcp"), tcp);
    registry.gauge("sealpost.gateway.connections", io.micrometer.core.instrument.Tags.of("transport", "websocket"), websocket);
    registry.gauge("sealpost.gateway.authenticated", authenticated);
    framesIn = registry.counter("sealpost.gateway.frames.in");
    framesOut = registry.counter("sealpost.gateway.frames.out");
    rejectedFrames = registry.counter("sealpost.gateway.frames.rejected");
    deliveries = registry.counter("sealpost.messages.delivered");
    acks = registry.counter("sealpost.messages.acked");
    slowReaders = registry.counter("sealpost.gateway.slow.reader.disconnects");
    parked = registry.counter("sealpost.gateway.parked.devices");
    this.registry = registry;
    // Server accept (the envelope's server timestamp) to the recipient's ack, messages only.
    deliveryLatency = io.micrometer.core.instrument.Timer.builder("sealpost.delivery.latency")
        .description("From the server accepting a message to the recipient device acking it")
        .publishPercentileHistogram()
        .minimumExpectedValue(java.time.Duration.ofMillis(1))
        .maximumExpectedValue(java.time.Duration.ofDays(1))
        .register(registry);
    deliveryReceipts = registry.counter("sealpost.receipts.delivered", "type", "delivery");
    readReceipts = registry.counter("sealpost.receipts.delivered", "type", "read");
  }

  /** Exports the node's unacked delivery bytes against their budget. */
  public UnackedBytes watch(UnackedBytes unacked) {
    registry.gauge("sealpost.gateway.unacked.bytes", unacked, UnackedBytes::held);
    registry.gauge("sealpost.gateway.unacked.bytes.max", unacked, UnackedBytes::max);
    return unacked;
  }

  void parked() {
    parked.increment();
  }

  void opened(String transport) {
    (transport.equals("tcp") ? tcp : websocket).incrementAndGet();
  }

  void closed(String transport, boolean wasAuthenticated) {
    (transport.equals("tcp") ? tcp : websocket).decrementAndGet();
    if (wasAuthenticated) {
      authenticated.decrementAndGet();
    }
  }

  void authenticated() {
    authenticated.incrementAndGet();
  }

  void frameIn() {
    framesIn.increment();
  }

  void frameOut() {
    framesOut.increment();
  }

  void rejected() {
    rejectedFrames.increment();
  }

  void delivered() {
    deliveries.increment();
  }

  void acked(org.sealpost.protocol.Envelope envelope) {
    acks.increment();
    switch (envelope.getType()) {
      case MESSAGE -> deliveryLatency.record(
          Math.max(0, System.currentTimeMillis() - envelope.getServerTimestamp()), java.util.concurrent.TimeUnit.MILLISECONDS);
      case DELIVERY_RECEIPT -> deliveryReceipts.increment();
      case READ_RECEIPT -> readReceipts.increment();
      default -> { }
    }
  }

  void slowReader() {
    slowReaders.increment();
  }
}
