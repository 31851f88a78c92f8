package org.sealpost.routing;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Clock;
import org.sealpost.api.DeviceKey;
import org.sealpost.bus.Addresses;
import org.sealpost.bus.proto.NodeDelivery;
import org.sealpost.config.MessagesConfig;
import org.sealpost.store.MessageQueueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns this node's inbox ({@link Addresses#nodeInbox}): events for devices connected here that
 * other nodes routed, handed to the device's connection ({@link LocalDevices}). Also sweeps expired envelopes and
 * dedupe records from the queue store on a timer.
 */
public final class RouterVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(RouterVerticle.class);

  private final String nodeId;
  private final MessagesConfig config;
  private final MessageQueueStore queues;
  private final Clock clock;
  private final LocalDevices local;
  private MessageConsumer<NodeDelivery> inbox;
  private long sweepTimer = -1;

  public RouterVerticle(String nodeId, MessagesConfig config, MessageQueueStore queues, Clock clock,
      LocalDevices local) {
    this.nodeId = nodeId;
    this.local = local;
    this.config = config;
    this.queues = queues;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    inbox = vertx.eventBus().consumer(Addresses.nodeInbox(nodeId), this::onDelivery);
    sweepTimer = vertx.setPeriodic(config.sweepInterval().toMillis(), id -> sweep());
    return inbox.completion();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    return inbox.unregister();
  }

  private void onDelivery(Message<NodeDelivery> msg) {
    NodeDelivery delivery = msg.body();
    DeviceKey device = new DeviceKey(delivery.getNumber(), delivery.getDeviceId());
    local.deliver(vertx, device, delivery.getEvent())
        .onSuccess(msg::reply)
        .onFailure(err -> {
          log.debug("local hand-off to {} failed: {}", device, err.getMessage());
          msg.reply(Boolean.FALSE);
        });
  }

  /** Deletes what outlived its TTL; one sweep at a time per node. */
  Future<Long> sweep() {
    long now = clock.millis();
    return queues.deleteExpired(now - config.queueTtl().toMillis(), now - config.dedupeTtl().toMillis())
        .onSuccess(deleted -> {
          if (deleted > 0) {
            log.info("{} - deleted {} envelopes older than {}", nodeId, deleted, config.queueTtl());
          }
        })
        .onFailure(err -> log.warn("{} - sweeping expired envelopes failed", nodeId, err));
  }
}
