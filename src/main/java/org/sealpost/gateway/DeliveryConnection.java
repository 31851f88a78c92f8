package org.sealpost.gateway;

import com.google.protobuf.Message;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.sealpost.protocol.Envelope;
import org.sealpost.protocol.Response;

/**
 * What {@link DeviceDelivery} needs of the connection it delivers on ({@link Connection}); an
 * interface so the delivery's timing can be tested step by step.
 */
interface DeliveryConnection {
  /** The socket takes more bytes without queueing past its bound. */
  boolean writable();

  Vertx vertx();

  /** A server-initiated request; completes with the client's answer. */
  Future<Response> request(String verb, String path, Message body);

  /** A request whose answer nobody waits for. */
  void notify(String verb, String path, Message body);

  /** Counts a delivery written. */
  void delivered();

  /** The client acked {@code envelope} (without its content): delete it from the queue. */
  void acknowledge(Envelope envelope);
}
