package org.sealpost.client;

import io.vertx.core.Future;
import org.sealpost.protocol.ConsistencyProof;
import org.sealpost.protocol.KeyLogEntries;
import org.sealpost.protocol.KeyLogKey;
import org.sealpost.protocol.LoggedKeys;
import org.sealpost.protocol.SignedTreeHead;

/**
 * The key log's routes ({@code keylog.proto}) as the client asks them. The server answers them
 * ({@link #over}); the interface lets the verifier and monitor be tested against a log the test
 * builds, forks or truncates.
 */
interface KeyLogServer {
  /** {@code GET /v1/keylog/key}: the log's Ed25519 public key. */
  Future<KeyLogKey> key();

  /** {@code GET /v1/keylog/head}: the log's latest signed head. */
  Future<SignedTreeHead> head();

  /** {@code GET /v1/keylog/consistency/{m}/{n}}. */
  Future<ConsistencyProof> consistency(long oldSize, long newSize);

  /** {@code GET /v1/keylog/entries/{from}}: a page of entries, its head and the frontier at {@code from}. */
  Future<KeyLogEntries> entries(long from);

  /** {@code GET /v1/keylog/devices/{number}}: the current entry of each of the number's devices. */
  Future<LoggedKeys> devices(String number);

  /**
   * The routes on the server, through the client's API (the connection while open, else HTTP);
   * the log's key over {@code rest}, since the server serves it over HTTP only, like registration.
   */
  static KeyLogServer over(ServerApi api, RestClient rest) {
    return new ServerKeyLog(api, rest);
  }
}
