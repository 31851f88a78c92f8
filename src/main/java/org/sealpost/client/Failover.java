package org.sealpost.client;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Which node of a cluster a client connects to next, and how long it waits first. Nodes are
 * tried in turn, starting with the first; after a disconnect the next attempt goes to the
 * node after the one that was lost. Failed attempts back off exponentially, with jitter so
 * clients of a dead node do not all arrive at the same instant, from {@code initialBackoff}
 * up to {@code maxBackoff}; a success resets the backoff. A node that asked its clients to
 * leave ({@code PUT /v1/reconnect}) is skipped while it asked to be, unless every node is.
 * Not thread-safe: used on the client's context.
 */
public final class Failover {
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(250);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);

  private final List<URI> servers;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Random random;
  private final Map<URI, Long> avoidUntilNanos = new HashMap<>();
  private int nextIndex;
  private int failures;

  public Failover(List<URI> servers, Duration initialBackoff, Duration maxBackoff, Random random) {
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("at least one server is needed");
    }
    this.servers = List.copyOf(servers);
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.random = random;
  }

  public static Failover of(List<URI> servers) {
    return new Failover(servers, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF, new Random());
  }

  public List<URI> servers() {
    return servers;
  }

  /** The server to try now: the next in turn that is not being avoided (if all are, the next in turn). */
  public URI next(long nowNanos) {
    for (int i = 0; i < servers.size(); i++) {
      URI candidate = servers.get((nextIndex + i) % servers.size());
      Long until = avoidUntilNanos.get(candidate);
      if (until == null || until - nowNanos <= 0) {
        nextIndex = (nextIndex + i + 1) % servers.size();
        return candidate;
      }
    }
    URI fallback = servers.get(nextIndex);
    nextIndex = (nextIndex + 1) % servers.size();
    return fallback;
  }

  /** How long to wait before the next attempt: nothing after a success, then growing with each failure. */
  public Duration delay() {
    if (failures == 0) {
      return Duration.ZERO;
    }
    long base = initialBackoff.toMillis() << Math.min(failures - 1, 20);
    long capped = Math.min(maxBackoff.toMillis(), base);
    return Duration.ofMillis(capped / 2 + (long) (random.nextDouble() * (capped / 2.0)));
  }

  /** An attempt failed. */
  public void failed() {
    failures++;
  }

  /** An attempt succeeded: the backoff starts over. */
  public void connected() {
    failures = 0;
  }

  /** The node asked its clients to go elsewhere: skip it for {@code duration}. */
  public void avoid(URI server, Duration duration, long nowNanos) {
    avoidUntilNanos.put(server, nowNanos + duration.toNanos());
  }
}
