package org.sealpost.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/** The gateway's meters: connections by transport, authenticated devices, frames, deliveries. */
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

  void acked() {
    acks.increment();
  }

  void slowReader() {
    slowReaders.increment();
  }
}
