package org.sealpost.limits;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts connections per remote address against a cap, across every verticle instance of a node:
 * what keeps one address from holding every slot (and file descriptor) of a listener. The gateway
 * counts its connections not yet authenticated with one (the slowloris guard: authenticated ones
 * are bounded by devices per account); the HTTP listeners count all of theirs.
 */
public final class ConnectionsPerAddress {
  private static final Logger log = LoggerFactory.getLogger(ConnectionsPerAddress.class);

  private final int maxPerIp;
  private final ConcurrentHashMap<String, Integer> counts = new ConcurrentHashMap<>();

  /** @param maxPerIp the cap per address; 0 means no cap */
  public ConnectionsPerAddress(int maxPerIp) {
    this.maxPerIp = maxPerIp;
  }

  /** Takes a slot for {@code ip}; false when the address already holds the maximum. */
  public boolean tryAcquire(String ip) {
    if (maxPerIp == 0) {
      return true;
    }
    boolean[] admitted = {false};
    counts.compute(ip, (key, count) -> {
      int held = count == null ? 0 : count;
      if (held >= maxPerIp) {
        return count;
      }
      admitted[0] = true;
      return held + 1;
    });
    return admitted[0];
  }

  /** Gives back a slot taken by {@link #tryAcquire}. */
  public void release(String ip) {
    if (maxPerIp != 0) {
      counts.computeIfPresent(ip, (key, count) -> count <= 1 ? null : count - 1);
    }
  }

  /**
   * Caps the connections {@code server} accepts per address: one over the cap is closed as it
   * comes (before any request is read); each slot is given back when its connection closes. The
   * server must not wait for a first request to tell HTTP/2 from HTTP/1 (its options have clear-text
   * HTTP/2 off): until then it would not report the connection, and idle ones are the attack.
   */
  public HttpServer guard(HttpServer server, String listener) {
    if (maxPerIp == 0) {
      return server;
    }
    return server.connectionHandler(connection -> admit(connection, listener));
  }

  private void admit(HttpConnection connection, String listener) {
    String ip = connection.remoteAddress() == null ? "unknown" : connection.remoteAddress().hostAddress();
    if (!tryAcquire(ip)) {
      log.debug("{}: closing a connection from {}: it already holds {} connections", listener, ip, maxPerIp);
      connection.close();
      return;
    }
    connection.closeHandler(v -> release(ip));
  }
}
