package org.sealpost.push;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import org.sealpost.bus.Addresses;
import org.sealpost.bus.proto.PushRequest;
import org.sealpost.store.DeviceKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns "queued for an unconnected device" events ({@link Addresses#PUSH_NOTIFY}) into pushes. */
public final class NotificationVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(NotificationVerticle.class);

  private final PushProvider provider;
  private final Counter requested;
  private MessageConsumer<PushRequest> consumer;

  public NotificationVerticle(PushProvider provider, MeterRegistry registry) {
    this.provider = provider;
    this.requested = registry.counter("sealpost.push.requested");
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().localConsumer(Addresses.PUSH_NOTIFY, msg -> {
      requested.increment();
      DeviceKey device = new DeviceKey(msg.body().getNumber(), msg.body().getDeviceId());
      provider.wake(device).onFailure(err -> log.warn("push to {} failed: {}", device, err.getMessage()));
    });
    return consumer.completion();
  }
}
