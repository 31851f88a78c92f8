package org.sealpost.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.sealpost.client.RestClient;

/**
 * Registrations per second: {@code concurrency} clients each register one account after another
 * (request a code, verify it) until {@code accounts} are registered or the duration ends. Every
 * registration is a durable account write (and the retirement of an earlier owner of the number).
 */
final class RegistrationScenario {
  private final Vertx vertx;
  private final RestClient rest;
  private final int accounts;
  private final int concurrency;
  private final long deadlineNanos;
  private final String prefix;
  private final String code;
  private final LatencyStats latency = new LatencyStats();
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicLong registered = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private volatile Throwable firstError;

  RegistrationScenario(Vertx vertx, URI server, int accounts, int concurrency, int durationSeconds, String prefix,
      String code) {
    if (accounts < 1 || accounts > 1_000_000) {
      throw new IllegalArgumentException("--accounts must be 1..1000000");
    }
    if (concurrency < 1 || concurrency > 10_000) {
      throw new IllegalArgumentException("--clients must be 1..10000");
    }
    this.vertx = vertx;
    this.rest = new RestClient(vertx, server, concurrency);
    this.accounts = accounts;
    this.concurrency = concurrency;
    this.deadlineNanos = System.nanoTime() + durationSeconds * 1_000_000_000L;
    this.prefix = prefix;
    this.code = code;
  }

  /** Runs to completion; [human summary, JSON line]. */
  Future<String[]> run() {
    long start = System.nanoTime();
    Promise<Void> done = Promise.promise();
    AtomicInteger running = new AtomicInteger(concurrency);
    for (int i = 0; i < concurrency; i++) {
      vertx.runOnContext(v -> registerNext(() -> {
        if (running.decrementAndGet() == 0) {
          done.complete();
        }
      }));
    }
    return done.future().eventually(rest::close).map(v -> report((System.nanoTime() - start) / 1e9));
  }

  private void registerNext(Runnable finished) {
    int index = next.getAndIncrement();
    if (index >= accounts || System.nanoTime() > deadlineNanos) {
      finished.run();
      return;
    }
    // numbers of their own (digit 5 after the prefix), away from the other scenarios' accounts
    String number = String.format(Locale.ROOT, "%s5%06d", prefix, index);
    long began = System.nanoTime();
    BenchClient.register(rest, number, code).onComplete(ar -> {
      if (ar.succeeded()) {
        latency.recordNanos(System.nanoTime() - began);
        registered.incrementAndGet();
      } else {
        errors.incrementAndGet();
        if (firstError == null) {
          firstError = ar.cause();
        }
      }
      registerNext(finished);
    });
  }

  private String[] report(double seconds) {
    latency.freeze();
    String human = String.format(Locale.ROOT, """
        scenario        registration (%d concurrent clients, up to %d accounts)
        registered      %d in %.1f s (%.0f accounts/s)
        latency         %s
        errors          %d%s""",
        concurrency, accounts, registered.get(), seconds, registered.get() / seconds, latency.human(), errors.get(),
        firstError == null ? "" : " (first: " + firstError + ")");
    String json = String.format(Locale.ROOT,
        "{\"scenario\":\"registration\",\"clients\":%d,\"registered\":%d,\"duration_s\":%.2f,"
            + "\"accounts_per_s\":%.1f,\"errors\":%d,\"latency_ms\":%s}",
        concurrency, registered.get(), seconds, registered.get() / seconds, errors.get(), latency.json());
    return new String[] {human, json};
  }

  boolean succeeded() {
    return errors.get() == 0;
  }

  /** The first registration that failed, if one did. */
  Optional<Throwable> firstFailure() {
    return Optional.ofNullable(firstError);
  }
}
