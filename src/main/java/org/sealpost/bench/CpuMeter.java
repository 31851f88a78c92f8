package org.sealpost.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * CPU time spent between {@link #start} and {@link #stop}: the servers' (each node's
 * {@code process_cpu_time_ns_total} from its {@code /metrics}, summed) and this JVM's (the load
 * generator). With a server started in this JVM there is one process for both: the servers' share
 * is then unknown and this JVM's figure covers server and load together.
 */
final class CpuMeter {
  static final String SERVER_CPU_METER = "process_cpu_time_ns_total";

  private final Vertx vertx;
  private final List<URI> servers;
  private final boolean serverInThisJvm;
  /** The server's threads' CPU when they run in this JVM apart from the load's; else null. */
  private final LongSupplier serverThreads;
  private HttpClient http;
  private long serverStart = -1;
  private long serverEnd = -1;
  private long ownStart;
  private long ownEnd;

  /** @param servers the nodes' HTTP URLs; empty when the server runs in this JVM */
  CpuMeter(Vertx vertx, List<URI> servers) {
    this.vertx = vertx;
    this.servers = List.copyOf(servers);
    this.serverInThisJvm = servers.isEmpty();
    this.serverThreads = null;
  }

  /** A server whose threads run in this JVM but are told apart: {@code serverThreads} is their CPU so far (ns). */
  CpuMeter(LongSupplier serverThreads) {
    this.vertx = null;
    this.servers = List.of();
    this.serverInThisJvm = false;
    this.serverThreads = serverThreads;
  }

  /** Marks the start of the measured window. */
  Future<Void> start() {
    ownStart = ownCpuNanos();
    return serverCpuNanos().map(nanos -> {
      serverStart = nanos;
      return null;
    });
  }

  /** Marks its end. */
  Future<Void> stop() {
    ownEnd = ownCpuNanos();
    return serverCpuNanos().map(nanos -> {
      serverEnd = nanos;
      if (http != null) {
        http.close();
      }
      return null;
    });
  }

  /** The figures per {@code messages} (delivered ones, usually) over the window. */
  Figures per(long messages) {
    double server = serverStart < 0 || serverEnd < 0 || messages == 0 ? Double.NaN
        : (serverEnd - serverStart) / 1000.0 / messages;
    long ownNanos = ownEnd - ownStart;
    if (serverThreads != null) {
      ownNanos -= serverEnd - serverStart; // the server's threads are in this process
    }
    double own = messages == 0 ? Double.NaN : ownNanos / 1000.0 / messages;
    return new Figures(server, own, serverInThisJvm);
  }

  /** µs of CPU per message; NaN where unknown. */
  record Figures(double serverMicros, double clientMicros, boolean sharedJvm) {
    static final Figures NONE = new Figures(Double.NaN, Double.NaN, false);

    String human() {
      if (sharedJvm) {
        return String.format(Locale.ROOT, "%.1f µs per delivered message, server and load generator in this one JVM",
            clientMicros);
      }
      return String.format(Locale.ROOT, "server %s µs, load generator %s µs per delivered message",
          number(serverMicros), number(clientMicros));
    }

    String json() {
      return String.format(Locale.ROOT, "\"server_cpu_us_per_msg\":%s,\"client_cpu_us_per_msg\":%s,\"cpu_shared_jvm\":%b",
          jsonNumber(serverMicros), jsonNumber(clientMicros), sharedJvm);
    }

    private static String number(double value) {
      return Double.isNaN(value) ? "?" : String.format(Locale.ROOT, "%.1f", value);
    }

    private static String jsonNumber(double value) {
      return Double.isNaN(value) ? "null" : String.format(Locale.ROOT, "%.2f", value);
    }
  }

  private static long ownCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** The servers' CPU so far, summed; -1 when unknown (in this JVM, or a node did not say). */
  private Future<Long> serverCpuNanos() {
    if (serverThreads != null) {
      return Future.succeededFuture(serverThreads.getAsLong());
    }
    if (serverInThisJvm) {
      return Future.succeededFuture(-1L);
    }
    if (http == null) {
      http = vertx.createHttpClient();
    }
    List<Future<Long>> reads = new ArrayList<>();
    for (URI server : servers) {
      reads.add(http.request(HttpMethod.GET, server.getPort(), server.getHost(), "/metrics")
          .compose(request -> request.send().compose(response -> response.body()))
          .map(body -> parse(body.toString()))
          .otherwise(-1L));
    }
    return Future.all(reads).map(all -> {
      long sum = 0;
      for (int i = 0; i < all.size(); i++) {
        long nanos = all.<Long>resultAt(i);
        if (nanos < 0) {
          return -1L;
        }
        sum += nanos;
      }
      return sum;
    });
  }

  /** The meter's value in a Prometheus text page; -1 when it is missing. */
  static long parse(String page) {
    for (String line : page.split("\n")) {
      if (line.startsWith(SERVER_CPU_METER + " ")) {
        return (long) Double.parseDouble(line.substring(SERVER_CPU_METER.length() + 1).trim());
      }
    }
    return -1;
  }
}
