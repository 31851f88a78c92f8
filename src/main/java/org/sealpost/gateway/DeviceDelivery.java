package org.sealpost.gateway;

import java.util.List;
import org.sealpost.api.ApiRoutes;
import org.sealpost.api.DeviceKey;
import org.sealpost.protocol.Envelope;
import org.sealpost.routing.Router;
import org.sealpost.store.MessageQueueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves one device's queue onto its connection, in order, with at most {@code window}
 * deliveries and {@code maxUnackedBytes} unacked at a time, and beyond its first delivery out
 * only with credit from the node's {@link UnackedBytes}.
 *
 * <p>The queue is the truth: {@code cursor} is the last position sent on this connection, and
 * a read fetches what lies beyond it. A live envelope from the router is written straight
 * away only when it is exactly the next position and nothing else is pending; anything else
 * (a gap, a full window, a read in flight) just marks the queue dirty so the next read picks
 * it up. So order holds across drains, live traffic and reconnects, and a lost hint only
 * delays. After the first complete drain the client gets {@code PUT /v1/queue/empty}.
 *
 * <p>An unacked delivery is remembered without its content: once written, the bytes are the
 * socket's and the client's, not this node's heap. A device whose oldest unacked delivery is older
 * than the ack timeout is parked: its credit goes back to the node and it gets nothing more until
 * it answers (its queue stays durable); if it stopped reading too, its connection is closed.
 */
final class DeviceDelivery {
  private static final Logger log = LoggerFactory.getLogger(DeviceDelivery.class);
  static final String MESSAGE_PATH = "/v1/message";
  static final String QUEUE_EMPTY_PATH = "/v1/queue/empty";
  private static final int READ_BATCH = 100;
  private static final long RETRY_DELAY_MS = 1000;
  /** How soon a device waiting for the node's credit looks again. */
  private static final long CREDIT_RETRY_MS = 50;

  /** What {@link #checkStalled} found. */
  enum Stall { NONE, PARKED, STOPPED_READING }

  private final DeviceKey device;
  private final MessageQueueStore queues;
  private final int window;
  private final int maxUnackedBytes;
  private final UnackedBytes node;
  private final long ackTimeoutNanos;
  private final DeliveryConnection connection;

  private long cursor;
  private int inflight;
  private long inflightBytes;
  /** Of {@code inflightBytes}, the node's credit this device holds (none once parked). */
  private long credit;
  /** When the device last answered, or its first unacked delivery went out. */
  private long progressAt;
  private boolean parked;
  private boolean creditTimer;
  /** The next envelope does not fit the connection's byte budget: wait for an answer. */
  private boolean budgetFull;
  private boolean reading;
  private boolean dirty = true;
  private boolean drained;
  private boolean stopped;
  /** The newest position the router said holds an envelope that wakes the device. */
  private long wakingHint;
  /** A delivery that wakes the device went out and the connection closed before its answer. */
  private boolean wakingUnanswered;

  DeviceDelivery(DeviceKey device, MessageQueueStore queues, int window, int maxUnackedBytes, UnackedBytes node,
      long ackTimeoutNanos, DeliveryConnection connection) {
    this.device = device;
    this.queues = queues;
    this.window = window;
    this.maxUnackedBytes = maxUnackedBytes;
    this.node = node;
    this.ackTimeoutNanos = ackTimeoutNanos;
    this.connection = connection;
  }

  void start() {
    pump();
  }

  void stop() {
    stopped = true;
  }

  /**
   * Once stopped: whether the device never answered an envelope that wakes it, written or still
   * to be read (a close that raced the router's hint); such a device is owed a push.
   */
  boolean owesWake() {
    return wakingUnanswered || wakingHint > cursor;
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
    if (Router.wakesDevice(envelope)) {
      wakingHint = Math.max(wakingHint, envelope.getSeq());
    }
    if (drained && !reading && !dirty && mayTakeMore() && envelope.getSeq() == cursor + 1 && fits(envelope)
        && send(envelope)) {
      return;
    }
    dirty = true;
    pump();
  }

  private boolean mayTakeMore() {
    return inflight < window && !budgetFull && !parked && !creditTimer && connection.writable();
  }

  /** Within the connection's byte budget (the first delivery out always is); if not, waits for an answer. */
  private boolean fits(Envelope envelope) {
    budgetFull = inflight > 0 && inflightBytes + envelope.getSerializedSize() > maxUnackedBytes;
    return !budgetFull;
  }

  private void pump() {
    if (stopped || reading || !dirty || !mayTakeMore()) {
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
      if (envelope.getSeq() <= cursor) {
        continue;
      }
      // The rest is read again once the connection drains, the client answers or credit frees up.
      // A device parked while this read was out takes nothing: it would hold credit until it answered.
      if (parked || !connection.writable() || !fits(envelope) || !send(envelope)) {
        cut = true;
        break;
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

  /** Writes {@code envelope} if the node's credit allows; false (nothing written) when it does not. */
  private boolean send(Envelope envelope) {
    int size = envelope.getSerializedSize();
    if (!node.tryTake(size, inflight == 0)) {
      awaitCredit();
      return false;
    }
    if (inflight == 0) {
      progressAt = System.nanoTime();
    }
    credit += size;
    cursor = envelope.getSeq();
    inflight++;
    inflightBytes += size;
    connection.delivered();
    Envelope acked = withoutContent(envelope);
    boolean waking = Router.wakesDevice(envelope);
    connection.request("PUT", MESSAGE_PATH, envelope).onComplete(ar -> {
      if (ar.failed() && waking) {
        wakingUnanswered = true; // only a closed connection fails a request
      }
      inflight--;
      inflightBytes -= size;
      budgetFull = false;
      long back = Math.min(size, credit);
      credit -= back;
      node.give(back);
      if (ar.succeeded()) {
        progressAt = System.nanoTime();
        parked = false;
        if (ar.result().getStatus() == 200) {
          connection.acknowledge(acked);
        } else {
          log.debug("{} - client answered {} to envelope {}; it stays queued", device, ar.result().getStatus(), acked.getSeq());
        }
      }
      pump();
    });
    return true;
  }

  /** What storing the ack needs (its receipt, its metrics), not what the client was given. */
  private static Envelope withoutContent(Envelope envelope) {
    return Envelope.newBuilder().setType(envelope.getType()).setSeq(envelope.getSeq()).setSource(envelope.getSource())
        .setMessageId(envelope.getMessageId()).setServerTimestamp(envelope.getServerTimestamp()).build();
  }

  private void awaitCredit() {
    dirty = true;
    if (!creditTimer) {
      creditTimer = true;
      connection.vertx().setTimer(CREDIT_RETRY_MS, id -> {
        creditTimer = false;
        pump();
      });
    }
  }

  /**
   * Asked now and then by the connection's verticle: parks the device when its oldest unacked
   * delivery is older than the ack timeout, and says whether the client stopped reading as well.
   */
  Stall checkStalled(long now) {
    if (stopped || inflight == 0 || now - progressAt < ackTimeoutNanos) {
      return Stall.NONE;
    }
    if (!connection.writable()) {
      return Stall.STOPPED_READING;
    }
    if (parked) {
      return Stall.NONE;
    }
    parked = true;
    node.give(credit);
    credit = 0;
    return Stall.PARKED;
  }

  /** Bytes of deliveries this device has not acked. */
  long unackedBytes() {
    return inflightBytes;
  }
}
