package org.sealpost.store.embedded;

/**
 * RocksDB failed (I/O error, corruption, closed database) or a stored record could not be parsed.
 * Unchecked so that store operations, which are lambdas, can throw it; it means the server, not the
 * client, has a problem.
 */
public final class StorageException extends RuntimeException {

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }

  public StorageException(String message) {
    super(message);
  }
}
