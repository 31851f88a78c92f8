package org.sealpost.store.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.sealpost.errors.ErrorCode;
import org.sealpost.errors.SealpostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way the Redis stores talk to Redis: every command gets a deadline, and every failure
 * that means "Redis cannot answer now" (refused or lost connection, timeout, a full pipeline, a server
 * that is loading or read-only) becomes a {@link SealpostException} with
 * {@link ErrorCode#UNAVAILABLE}, so callers see a 503 rather than a bug. Other error replies
 * (WRONGTYPE, a failing script) are bugs and surface as {@link IllegalStateException}.
 *
 * <p>During an outage every request fails the same way, so the warning is logged at most once
 * every 10 s, with the number of failures in between.
 */
final class RedisCommands {
  private static final Logger log = LoggerFactory.getLogger(RedisCommands.class);
  private static final long WARN_EVERY = TimeUnit.SECONDS.toNanos(10);
  /** Error replies that say the server cannot serve now, not that the request is wrong. */
  private static final Set<String> TRANSIENT_ERRORS =
      Set.of("LOADING", "BUSY", "MASTERDOWN", "READONLY", "TRYAGAIN", "CLUSTERDOWN", "NOREPLICAS");

  private final Function<Request, Future<Response>> transport;
  private final String endpoint;
  private final long timeoutMillis;
  private final AtomicLong nextWarnAt = new AtomicLong(System.nanoTime());
  private final AtomicLong unwarned = new AtomicLong();

  /**
   * @param transport sends one command (normally {@link PipelinedConnections#send})
   * @param endpoint where Redis is, for log lines only (no password)
   */
  RedisCommands(Function<Request, Future<Response>> transport, String endpoint, Duration timeout) {
    this.transport = transport;
    this.endpoint = endpoint;
    this.timeoutMillis = Math.max(1, timeout.toMillis());
  }

  /** Sends one command; a null reply (absent key) arrives as a null {@link Response}. */
  Future<Response> send(Request request) {
    // The command name only: the arguments hold keys (phone numbers), never for logs.
    return raw(request).recover(failure -> translate(request.command(), failure));
  }

  /** Runs a script by digest, sending its source only when the server does not have it cached. */
  Future<Response> eval(LuaScript script, List<String> keys, List<String> args) {
    return raw(script.evalsha(keys, args))
        .recover(failure -> isErrorReply(failure, "NOSCRIPT")
            ? raw(script.eval(keys, args))
            : Future.failedFuture(failure))
        .recover(failure -> translate(script.name(), failure));
  }

  String endpoint() {
    return endpoint;
  }

  private Future<Response> raw(Request request) {
    return transport.apply(request).timeout(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  private <T> Future<T> translate(Object what, Throwable failure) {
    if (failure instanceof SealpostException) {
      return Future.failedFuture(failure);
    }
    if (failure instanceof Response reply && reply.type() == ResponseType.ERROR
        && !TRANSIENT_ERRORS.contains(errorKind(failure))) {
      return Future.failedFuture(
          new IllegalStateException("Redis " + what + " failed: " + failure.getMessage(), failure));
    }
    warnUnavailable(failure);
    return Future.failedFuture(
        new SealpostException(ErrorCode.UNAVAILABLE, "service unavailable, try again"));
  }

  private void warnUnavailable(Throwable failure) {
    long now = System.nanoTime();
    long due = nextWarnAt.get();
    if (now - due >= 0 && nextWarnAt.compareAndSet(due, now + WARN_EVERY)) {
      log.warn("redis {} - unavailable: {} ({} more failures since the last warning)",
          endpoint, describe(failure), unwarned.getAndSet(0));
    } else {
      unwarned.incrementAndGet();
    }
  }

  static boolean isErrorReply(Throwable failure, String kind) {
    return failure instanceof Response reply && reply.type() == ResponseType.ERROR
        && kind.equals(errorKind(failure));
  }

  private static String errorKind(Throwable failure) {
    String message = failure.getMessage();
    if (message == null) {
      return "";
    }
    int space = message.indexOf(' ');
    return space < 0 ? message : message.substring(0, space);
  }

  static String describe(Throwable failure) {
    String message = failure.getMessage();
    return message == null ? failure.getClass().getSimpleName() : message;
  }
}
