package org.sealpost.routing;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.sealpost.api.DeviceKey;
import org.sealpost.bus.proto.DeviceEvent;

/**
 * The devices connected to this node, each with the context of its connection. The router hands
 * their events straight to that context (one task), with no event-bus address per device, no codec
 * and no directory lookup; the event bus carries only what crosses nodes. Tasks to one context run
 * in the order they were given, so events from one sender keep their order.
 */
public final class LocalDevices {
  /** A connected device's connection. */
  public interface Endpoint {
    /** The context its connection lives on. */
    Context context();

    /**
     * Takes an event, on {@link #context()}; completes with true once it took it (for a close:
     * once the connection is closed and out of the session directory), false when it could not.
     */
    Future<Boolean> onEvent(DeviceEvent event);
  }

  private final ConcurrentMap<DeviceKey, Endpoint> endpoints = new ConcurrentHashMap<>();

  /**
   * {@code endpoint} is now the device's connection on this node; returns the one it replaced here
   * (null if none). Atomic: of several connections of one device claiming at once, each replaces
   * exactly the one before it, so each can close its own predecessor and none is left open.
   */
  public Endpoint claim(DeviceKey device, Endpoint endpoint) {
    return endpoints.put(device, endpoint);
  }

  /** Removes {@code endpoint}, unless another connection of the device replaced it meanwhile. */
  public void remove(DeviceKey device, Endpoint endpoint) {
    endpoints.remove(device, endpoint);
  }

  /** Whether the device has a connection on this node. */
  public boolean contains(DeviceKey device) {
    return endpoints.containsKey(device);
  }

  /**
   * Hands an event to the device's connection here without waiting for it; false when the device
   * has none on this node. Always as a task of the connection's context, even from that context:
   * whoever stored the envelope answers its own caller first (a sender's single tick goes out
   * before the 1,023 deliveries of its group message). {@code missed} (if not null) runs on that
   * context when the connection could not take the event after all: it closed in between.
   */
  public boolean offer(DeviceKey device, DeviceEvent event, Runnable missed) {
    Endpoint endpoint = endpoints.get(device);
    if (endpoint == null) {
      return false;
    }
    if (missed == null) {
      endpoint.context().runOnContext(v -> endpoint.onEvent(event));
    } else {
      endpoint.context().runOnContext(v -> endpoint.onEvent(event).onSuccess(took -> {
        if (!took) {
          missed.run();
        }
      }));
    }
    return true;
  }

  /**
   * Hands an event to the device's connection here; completes with its answer (false when the
   * device has none on this node), on the caller's context.
   */
  public Future<Boolean> deliver(Vertx vertx, DeviceKey device, DeviceEvent event) {
    Endpoint endpoint = endpoints.get(device);
    if (endpoint == null) {
      return Future.succeededFuture(false);
    }
    return deliver(vertx, endpoint, event);
  }

  /** Hands an event to this one connection; completes with its answer, on the caller's context. */
  public Future<Boolean> deliver(Vertx vertx, Endpoint endpoint, DeviceEvent event) {
    Context target = endpoint.context();
    Context caller = vertx.getOrCreateContext();
    if (caller == target) {
      return endpoint.onEvent(event);
    }
    Promise<Boolean> answer = Promise.promise();
    target.runOnContext(v -> endpoint.onEvent(event)
        .onComplete(result -> caller.runOnContext(back -> answer.handle(result))));
    return answer.future();
  }
}
