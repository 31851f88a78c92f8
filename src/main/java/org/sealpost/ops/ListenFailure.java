package org.sealpost.ops;

import io.vertx.core.Future;

/**
 * A listener that could not bind, named with its address, so an operator reads which port is
 * taken (the socket error alone says only "Address already in use").
 */
public final class ListenFailure extends RuntimeException {
  private ListenFailure(String listener, String host, int port, Throwable cause) {
    super(listener + " cannot listen on " + host + ":" + port + ": " + cause.getMessage(), cause);
  }

  /** {@code listening}, failed with a {@link ListenFailure} naming the listener when it fails. */
  public static <T> Future<T> naming(String listener, String host, int port, Future<T> listening) {
    return listening.recover(err -> Future.failedFuture(
        err instanceof ListenFailure ? err : new ListenFailure(listener, host, port, err)));
  }
}
