package org.sealpost.routing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.time.Duration;
import org.sealpost.api.DeviceKey;
import org.sealpost.bus.Addresses;
import org.sealpost.bus.proto.DeviceEvent;
import org.sealpost.bus.proto.NodeDelivery;
import org.sealpost.bus.proto.PushRequest;
import org.sealpost.protocol.Envelope;
import org.sealpost.store.SessionDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides where an envelope goes once it is durable: the device's connection on this node,
 * the inbox of the node that holds it, or nowhere yet (it stays queued and a push is raised).
 * The event bus is only a hint that something is waiting: the queue stays the truth, so a
 * lost hand-off delays an envelope until the next read, it never loses it.
 */
public final class Router {
  private static final Logger log = LoggerFactory.getLogger(Router.class);

  private final Vertx vertx;
  private final String nodeId;
  private final SessionDirectory sessions;
  private final LocalDevices local;
  private final DeliveryOptions remoteOptions;
  /** Waits before the retries of a failed cross-node hand-off. */
  private static final long[] RETRY_DELAYS_MS = {1_000, 3_000, 10_000};

  public Router(Vertx vertx, String nodeId, SessionDirectory sessions, LocalDevices local, Duration remoteTimeout) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.sessions = sessions;
    this.local = local;
    this.remoteOptions = new DeliveryOptions().setSendTimeout(remoteTimeout.toMillis());
  }

  public String nodeId() {
    return nodeId;
  }

  /** The devices connected to this node. */
  public LocalDevices local() {
    return local;
  }

  /**
   * Hands a stored (or ephemeral) envelope to its device's connection, or raises a push. A
   * hand-off to another node that fails (timeout, the node died, its inbox is gone) is tried
   * again after {@link #RETRY_DELAYS_MS} with a fresh lookup, since the device may have
   * reconnected elsewhere meanwhile; the envelope stays queued whatever happens.
   */
  public void deliver(Envelope envelope) {
    deliver(envelope, 0);
  }

  private void deliver(Envelope envelope, int attempt) {
    DeviceKey device = new DeviceKey(envelope.getDestination(), envelope.getDestinationDevice());
    DeviceEvent event = DeviceEvent.newBuilder().setEnvelope(envelope).build();
    // A connection here that closed before the envelope reached it hands it back: routed afresh,
    // it finds the device's next connection, or none and a push.
    Runnable missed = envelope.getEphemeral() ? null : () -> deliver(envelope, attempt);
    handOff(device, event, missed).onComplete(ar -> {
      HandOff outcome = ar.succeeded() ? ar.result() : HandOff.FAILED;
      if (outcome == HandOff.DELIVERED || envelope.getEphemeral()) {
        return;
      }
      if (outcome == HandOff.FAILED && attempt < RETRY_DELAYS_MS.length) {
        vertx.setTimer(RETRY_DELAYS_MS[attempt], id -> deliver(envelope, attempt + 1));
        return;
      }
      if (wakesDevice(envelope)) {
        push(device);
      }
    });
  }

  /**
   * Messages and group events wake a sleeping device; receipts wait for its next connection
   * (a tick is not worth a wake-up), and ephemeral envelopes never wake anyone.
   */
  public static boolean wakesDevice(Envelope envelope) {
    return !envelope.getEphemeral()
        && (envelope.getType() == Envelope.Type.MESSAGE || envelope.getType() == Envelope.Type.GROUP_EVENT);
  }

  /**
   * A connection of the device closed while it still owed the device envelopes that wake it
   * (written but never answered): unless the device is connected again somewhere, it gets a push,
   * as it would have had they arrived a moment later.
   */
  public void wake(DeviceKey device) {
    if (local.contains(device)) {
      return; // its newer connection here reads the queue itself
    }
    sessions.lookup(device).onComplete(ar -> {
      if (ar.failed() || ar.result().isEmpty() || ar.result().get().equals(nodeId)) {
        push(device);
      }
    });
  }

  private void push(DeviceKey device) {
    vertx.eventBus().send(Addresses.PUSH_NOTIFY, PushRequest.newBuilder()
        .setNumber(device.number()).setDeviceId(device.deviceId()).build());
  }

  /**
   * Asks the device's current connection, wherever it is, to close (replaced by a newer one,
   * or the device was removed). Completes when it closed or when there was none.
   */
  public Future<Void> closeConnection(DeviceKey device, String reason) {
    DeviceEvent close = DeviceEvent.newBuilder().setClose(reason).build();
    if (local.contains(device)) {
      return local.deliver(vertx, device, close).mapEmpty();
    }
    return closeElsewhere(device, close);
  }

  /**
   * Makes {@code newer} the device's connection on this node and closes the one it replaces: the
   * one it took the place of here, or else the device's connection on another node. Completes when
   * that one is closed (or there was none).
   */
  public Future<Void> replace(DeviceKey device, LocalDevices.Endpoint newer, String reason) {
    DeviceEvent close = DeviceEvent.newBuilder().setClose(reason).build();
    LocalDevices.Endpoint previous = local.claim(device, newer);
    if (previous != null) {
      return local.deliver(vertx, previous, close).mapEmpty();
    }
    return closeElsewhere(device, close);
  }

  private Future<Void> closeElsewhere(DeviceKey device, DeviceEvent close) {
    return sessions.lookup(device).compose(node -> {
      if (node.isEmpty() || node.get().equals(nodeId)) {
        return Future.<Void>succeededFuture(); // here it would be in local
      }
      return vertx.eventBus().request(Addresses.nodeInbox(node.get()), nodeDelivery(device, close), remoteOptions)
          .<Void>mapEmpty().recover(err -> isAbsent(err)
          ? Future.<Void>succeededFuture()
          : Future.<Void>failedFuture(err));
    });
  }

  /** Sends an event to the device's connection wherever it is; true when some node took it. */
  public Future<Boolean> send(DeviceKey device, DeviceEvent event) {
    return handOff(device, event, null).map(outcome -> outcome == HandOff.DELIVERED);
  }

  /** What became of one hand-off. */
  private enum HandOff {
    /** A connection took it. */
    DELIVERED,
    /** The device has no connection (none registered, or the node says it is not there). */
    ABSENT,
    /** The node named by the directory did not answer in time, or is gone: worth a retry. */
    FAILED
  }

  /** {@code missed} (if any) runs when a connection here took the event but had closed meanwhile. */
  private Future<HandOff> handOff(DeviceKey device, DeviceEvent event, Runnable missed) {
    if (local.offer(device, event, missed)) {
      return Future.succeededFuture(HandOff.DELIVERED);
    }
    return sessions.lookup(device).compose(node -> {
      if (node.isEmpty() || node.get().equals(nodeId)) {
        return Future.succeededFuture(HandOff.ABSENT); // here it would have been in local
      }
      return vertx.eventBus().request(Addresses.nodeInbox(node.get()), nodeDelivery(device, event), remoteOptions)
          .map(reply -> Boolean.TRUE.equals(reply.body()) ? HandOff.DELIVERED : HandOff.ABSENT)
          .otherwise(err -> {
            log.debug("hand-off of an event for {} to node {} failed: {}", device, node.get(), err.getMessage());
            return HandOff.FAILED;
          });
    });
  }

  private static NodeDelivery nodeDelivery(DeviceKey device, DeviceEvent event) {
    return NodeDelivery.newBuilder().setNumber(device.number()).setDeviceId(device.deviceId()).setEvent(event).build();
  }

  private static boolean isAbsent(Throwable err) {
    return err instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS;
  }
}
