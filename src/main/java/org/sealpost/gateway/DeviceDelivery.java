package org.sealpost.gateway;

import io.vertx.core.Future;
import java.util.List;
import org.sealpost.protocol.Envelope;
import org.sealpost.protocol.Response;
import org.sealpost.store.DeviceKey;
import org.sealpost.store.MessageQueueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves one device's queue onto its connection, in order, with at most {@code window}
 * deliveries unacked at a time.
 *
 * <p>The queue is the truth: {@code cursor} is the last position sent on this connection, and
 * a read fetches what lies beyond it. A live envelope from the router is written straight
 * away only when it is exactly the next position and nothing else is pending; anything else
 * (a gap, a full window, a read in flight) just marks the queue dirty so the next read picks
 * it up. So order holds across drains, live traffic and reconnects, and a lost hint only
 * delays. After the first complete drain the client gets {@code PUT /v1/queue/empty}.
 */
final class DeviceDelivery {
  private static final Logger log = LoggerFactory.getLogger(DeviceDelivery.class);
  static final String MESSAGE_PATH = "/v1/message";
  static final String QUEUE_EMPTY_PATH = "/v1/queue/empty";
  private static final int READ_BATCH = 100;
  private static final long RETRY_DELAY_MS = 1000;

  private final DeviceKey device;
  private final MessageQueueStore queues;
  private final int window;
  private final Connection connection;

  private long cursor;
  private int inflight;
  private boolean reading;
  private boolean dirty = true;
  private boolean drained;
  private boolean stopped;

  DeviceDelivery(DeviceKey device, MessageQueueStore queues, int window, Connection connection) {
    this.device = device;
    this.queues = queues;
    this.window = window;
    this.connection = connection;
  }

  void start() {
    pump();
  }

  void stop() {
    stopped = true;
  }

  /** The connection drained its outbound bytes: carry on. */
  void resume() {
    pump();
  }

  /** A hint from the router: this envelope was queued (or is ephemeral). */
  void onLive(Envelope envelope) {
    if (stopped) {
      return;
    }
    if (envelope.getEphemeral()) {
      connection.notify("PUT", MESSAGE_PATH, envelope);
      return;
    }
    if (envelope.getSeq() <= cursor) {
      return;
    }
    if (drained && !reading && !dirty && inflight < window && envelope.getSeq() == cursor + 1
        && connection.writable()) {
      send(envelope);
    } else {
      dirty = true;
      pump();
    }
  }

  private void pump() {
    if (stopped || reading || !dirty || inflight >= window || !connection.writable()) {
      return;
    }
    reading = true;
    dirty = false;
    int limit = Math.min(READ_BATCH, window - inflight);
    queues.read(device, cursor, limit).onComplete(ar -> {
      reading = false;
      if (stopped) {
        return;
      }
      if (ar.failed()) {
        log.warn("{} - reading the queue failed, retrying: {}", device, ar.cause().getMessage());
        dirty = true;
        connection.vertx().setTimer(RETRY_DELAY_MS, id -> pump());
        return;
      }
      onBatch(ar.result(), limit);
    });
  }

  private void onBatch(List<Envelope> batch, int limit) {
    boolean cut = false;
    for (Envelope envelope : batch) {
      if (!connection.writable()) {
        cut = true; // the rest is read again once the connection drains
        break;
      }
      if (envelope.getSeq() > cursor) {
        send(envelope);
      }
    }
    if (cut || batch.size() >= limit) {
      dirty = true;
    }
    if (!dirty && !drained) {
      drained = true;
      connection.notify("PUT", QUEUE_EMPTY_PATH, ApiRoutes.EMPTY);
    }
    pump();
  }

  private void send(Envelope envelope) {
    cursor = envelope.getSeq();
    inflight++;
    connection.delivered();
    Future<Response> answer = connection.request("PUT", MESSAGE_PATH, envelope);
    answer.onComplete(ar -> {
      inflight--;
      if (ar.succeeded() && ar.result().getStatus() == 200) {
        connection.acknowledge(envelope);
      } else if (ar.succeeded()) {
        log.debug("{} - client answered {} to envelope {}; it stays queued", device, ar.result().getStatus(),
            envelope.getSeq());
      }
      pump();
    });
  }
}
