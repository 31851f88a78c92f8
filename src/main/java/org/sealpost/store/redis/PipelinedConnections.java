package org.sealpost.store.redis;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A few long-lived connections that every command is pipelined over, round robin.
 *
 * <p>Why not {@link Redis#send}: the client's pool leases a connection for one command and hands
 * it back on the reply, so a connection never has more than one command in flight; measured here
 * that tops out around 2–3k commands/s however large the pool, while one pipelined connection
 * carries well over 10k/s. A rate limit is checked on every message, so that matters.
 *
 * <p>{@link RedisConnection#send} runs on the connection's own event loop, so callers on any thread
 * may share a connection. Each connection comes from a client of its own (a pool of one), because
 * closing a pooled connection only returns it to its pool: closing the client is the one way to
 * really close the socket. A connection that fails or ends is dropped that way (its commands in
 * flight fail) and the next command through its slot opens a new one; callers that arrive while
 * one is being opened wait for that same attempt. Opening has a deadline of its own (a server that
 * accepts but never answers the handshake would otherwise hold the slot forever), and a connection
 * that leaves a command unanswered for the whole command timeout is dropped too: behind a silent
 * network failure TCP would take many minutes to notice, and every command sent on it meanwhile
 * would time out as well.
 */
final class PipelinedConnections {
  private static final Logger log = LoggerFactory.getLogger(PipelinedConnections.class);
  /** After a failed attempt to open, commands fail at once for this long instead of retrying. */
  private static final long RETRY_OPEN_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

  private final Supplier<Redis> clients;
  private final String endpoint;
  private final long connectMillis;
  private final long timeoutMillis;
  private final AtomicReferenceArray<Slot> slots;
  private final AtomicInteger next = new AtomicInteger();
  private volatile boolean closed;

  /**
   * @param clients makes a new client, each used for one connection
   * @param endpoint where Redis is, for log lines only (no password)
   */
  PipelinedConnections(Supplier<Redis> clients, String endpoint, int connections,
      Duration connectTimeout, Duration timeout) {
    this.clients = clients;
    this.endpoint = endpoint;
    this.connectMillis = Math.max(1, connectTimeout.toMillis());
    this.timeoutMillis = Math.max(1, timeout.toMillis());
    this.slots = new AtomicReferenceArray<>(connections);
  }

  Future<Response> send(Request request) {
    int index = Math.floorMod(next.getAndIncrement(), slots.length());
    Slot slot = slot(index);
    return slot.connection().compose(connection -> connection.send(request)
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .onFailure(failure -> {
          if (failure instanceof TimeoutException) {
            drop(index, slot, "no reply within " + timeoutMillis + " ms");
          }
        }));
  }

  /** Closes every connection; commands after this fail. */
  Future<Void> close() {
    closed = true;
    List<Future<Void>> closing = new ArrayList<>();
    for (int index = 0; index < slots.length(); index++) {
      Slot slot = slots.getAndSet(index, null);
      if (slot != null) {
        closing.add(slot.client().close());
      }
    }
    return Future.join(closing).mapEmpty();
  }

  /**
   * The slot's connection, opening one when it has none, or when its last attempt failed long
   * enough ago (so an outage costs a few attempts per second, not one per command).
   */
  private Slot slot(int index) {
    Slot current = slots.get(index);
    if (current != null && (!current.connection().failed()
        || System.nanoTime() - current.openedAt() < RETRY_OPEN_AFTER_NANOS)) {
      return current;
    }
    if (closed) {
      return new Slot(null, Future.failedFuture(new IllegalStateException("Redis client is closed")),
          System.nanoTime());
    }
    Promise<RedisConnection> opening = Promise.promise();
    Slot fresh = new Slot(clients.get(), opening.future(), System.nanoTime());
    if (!slots.compareAndSet(index, current, fresh)) {
      fresh.client().close();
      return slot(index);
    }
    if (current != null) {
      current.client().close();
    }
    fresh.client().connect().timeout(connectMillis, TimeUnit.MILLISECONDS).onComplete(opened -> {
      if (opened.succeeded()) {
        RedisConnection connection = opened.result();
        connection.exceptionHandler(err -> drop(index, fresh, err.getMessage()));
        connection.endHandler(end -> drop(index, fresh, "connection closed"));
      } else {
        // Also ends an attempt still going past the deadline.
        fresh.client().close();
      }
      opening.handle(opened);
      if (closed) {
        drop(index, fresh, "closed while opening");
      }
    });
    return fresh;
  }

  /** Empties the slot if it still holds {@code slot}, and closes its connection. */
  private void drop(int index, Slot slot, String why) {
    if (slots.compareAndSet(index, slot, null)) {
      log.debug("redis {} - dropping connection {}: {}", endpoint, index, why);
      slot.client().close();
    }
  }

  /** A client of one connection, that connection (once open), and when opening it began. */
  private record Slot(Redis client, Future<RedisConnection> connection, long openedAt) {}
}
