package org.sealpost.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sealpost.client.RestClient;
import org.sealpost.client.WireConnection;
import org.sealpost.protocol.DeviceCredentials;

/**
 * {@code bench connections}: registers N accounts, opens N idle authenticated TCP connections
 * (spread over several source addresses in 127.0.0.0/8), holds them with keepalives, and reads the
 * server's memory meters from /metrics before and after to report what one connection costs.
 * The server must run in its own process (--server): in this JVM the clients' memory would be
 * counted as the server's.
 */
final class ConnectionsScenario {
  /** The meters read from /metrics, by Prometheus name. */
  static final Map<String, String> METERS = Map.of(
      "heap", "jvm_memory_used_bytes{area=\"heap\"",
      "live_heap", "jvm_gc_live_data_size_bytes",
      "rss", "process_resident_memory_bytes",
      "netty_direct", "netty_pooled_direct_memory_used_bytes",
      "connections", "sealpost_gateway_authenticated");
  private static final Pattern SAMPLE = Pattern.compile("^([a-z_]+)(\\{[^}]*})? ([-0-9.eE+]+)$");
  private static final long KEEPALIVE_MS = 30_000;
  /** Accounts registered and connected at once, each over an HTTP connection of its own. */
  private static final int CONNECT_BATCH = 200;

  private final Vertx vertx;
  private final URI server;
  private final int tcpPort;
  private final int count;
  private final int sourceAddresses;
  private final int holdSeconds;
  private final String prefix;
  private final String code;

  ConnectionsScenario(Vertx vertx, URI server, int tcpPort, int count, int sourceAddresses, int holdSeconds,
      String prefix, String code) {
    this.vertx = vertx;
    this.server = server;
    this.tcpPort = tcpPort;
    this.count = count;
    this.sourceAddresses = sourceAddresses;
    this.holdSeconds = holdSeconds;
    this.prefix = prefix;
    this.code = code;
  }

  /** Runs it; returns the human summary and the JSON line. */
  Future<String[]> run() {
    warnAboutOpenFiles();
    RestClient rest = new RestClient(vertx, server, CONNECT_BATCH);
    // Appended a batch at a time: the keepalive timer reads it from another event loop.
    List<WireConnection> open = new CopyOnWriteArrayList<>();
    AtomicLong failures = new AtomicLong();
    long started = System.nanoTime();
    // From the first connection on: connecting N can take longer than the server's idle timeout.
    long keepalive = vertx.setPeriodic(KEEPALIVE_MS, id -> open.forEach(c -> {
      if (!c.isClosed()) {
        c.request("GET", "/v1/keepalive", com.google.protobuf.Empty.getDefaultInstance());
      }
    }));
    return scrape().compose(before -> connectAll(rest, open, failures)
        .compose(v -> {
          double connectSeconds = (System.nanoTime() - started) / 1e9;
          System.out.printf(Locale.ROOT, "connected %d of %d in %.1f s; holding %d s%n", open.size(), count,
              connectSeconds, holdSeconds);
          return Timers.after(vertx, holdSeconds * 1000L)
              .compose(held -> scrape())
              .map(after -> {
                long dropped = open.stream().filter(WireConnection::isClosed).count();
                return report(before, after, open.size(), dropped, failures.get(), connectSeconds);
              });
        })
        .eventually(() -> {
          vertx.cancelTimer(keepalive);
          List<Future<Void>> closing = new ArrayList<>();
          open.forEach(c -> closing.add(c.close()));
          return Future.join(closing);
        }));
  }

  private Future<Void> connectAll(RestClient rest, List<WireConnection> open, AtomicLong failures) {
    Future<Void> chain = Future.succeededFuture();
    int batch = CONNECT_BATCH;
    for (int first = 0; first < count; first += batch) {
      int from = first;
      int to = Math.min(count, first + batch);
      chain = chain.compose(v -> {
        List<Future<WireConnection>> connecting = new ArrayList<>();
        for (int i = from; i < to; i++) {
          String number = String.format("%s%07d", prefix, i);
          String source = "127.0.0." + (2 + i % sourceAddresses);
          connecting.add(BenchClient.register(rest, number, code)
              .compose(credentials -> connect(credentials, source)));
        }
        return Future.join(connecting).transform(done -> {
          List<WireConnection> connected = new ArrayList<>(connecting.size());
          for (Future<WireConnection> f : connecting) {
            if (f.succeeded()) {
              connected.add(f.result());
            } else {
              failures.incrementAndGet();
            }
          }
          open.addAll(connected);
          if (to % 10_000 < batch) {
            System.out.printf("  %d connected%n", open.size());
          }
          return Future.succeededFuture();
        });
      });
    }
    return chain;
  }

  private Future<WireConnection> connect(DeviceCredentials credentials, String source) {
    return WireConnection.tcp(vertx, server.getHost(), tcpPort, null, source).compose(connection -> connection
        .authenticate(credentials.getNumber(), credentials.getDeviceId(), credentials.getPassword())
        .map(auth -> connection)
        .onFailure(err -> connection.close()));
  }

  /** The server's meters now (by the keys of {@link #METERS}; several samples of one name add up). */
  private Future<Map<String, Double>> scrape() {
    HttpClient http = vertx.createHttpClient();
    return http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(server.getHost())
            .setPort(server.getPort()).setURI("/metrics"))
        .compose(request -> request.send().compose(response -> response.body()))
        .map(ConnectionsScenario::parse)
        .eventually(http::close);
  }

  static Map<String, Double> parse(Buffer body) {
    Map<String, Double> values = new TreeMap<>();
    for (String line : body.toString().split("\n")) {
      Matcher sample = SAMPLE.matcher(line);
      if (!sample.matches()) {
        continue;
      }
      String labels = sample.group(2) == null ? "" : sample.group(2);
      for (Map.Entry<String, String> meter : METERS.entrySet()) {
        String wanted = meter.getValue();
        int brace = wanted.indexOf('{');
        String name = brace < 0 ? wanted : wanted.substring(0, brace);
        if (name.equals(sample.group(1)) && (brace < 0 || labels.startsWith(wanted.substring(brace)))) {
          values.merge(meter.getKey(), Double.parseDouble(sample.group(3)), Double::sum);
        }
      }
    }
    return values;
  }

  private String[] report(Map<String, Double> before, Map<String, Double> after, int connected, long dropped,
      long failed, double connectSeconds) {
    // Per connection the server holds: its own count, not the client's (a dropped one costs nothing).
    double held = after.getOrDefault("connections", 0.0) - before.getOrDefault("connections", 0.0);
    StringBuilder human = new StringBuilder(String.format(Locale.ROOT,
        "scenario        connections (%d requested, %d connected, %d failed, %d dropped while held, %d source addresses,"
            + " %.1f s to connect)%n", count, connected, failed, dropped, sourceAddresses, connectSeconds));
    StringBuilder json = new StringBuilder(String.format(Locale.ROOT,
        "{\"scenario\":\"connections\",\"requested\":%d,\"connected\":%d,\"failed\":%d,\"dropped\":%d,"
            + "\"connect_s\":%.1f", count, connected, failed, dropped, connectSeconds));
    for (String key : List.of("heap", "live_heap", "rss", "netty_direct")) {
      double delta = after.getOrDefault(key, 0.0) - before.getOrDefault(key, 0.0);
      double perConnection = held <= 0 ? 0 : delta / held;
      human.append(String.format(Locale.ROOT, "%-15s %+.1f MiB in all, %.0f bytes per connection%n", key,
          delta / (1024 * 1024), perConnection));
      json.append(String.format(Locale.ROOT, ",\"%s_delta_bytes\":%.0f,\"%s_per_connection_bytes\":%.0f", key, delta,
          key, perConnection));
    }
    human.append(String.format(Locale.ROOT, "server says     %.0f authenticated connections", after.getOrDefault(
        "connections", 0.0)));
    json.append(String.format(Locale.ROOT, ",\"server_authenticated\":%.0f}", after.getOrDefault("connections", 0.0)));
    return new String[] {human.toString(), json.toString()};
  }

  /** Each connection is a file descriptor on both sides: say how to raise the limit when it is too low. */
  private void warnAboutOpenFiles() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
        if (line.startsWith("Max open files")) {
          long soft = Long.parseLong(line.substring(26).trim().split("\\s+")[0]);
          if (soft < count + 1000L) {
            System.out.printf("warning: this process may open %d files (ulimit -n); run `ulimit -n %d` first, in the"
                + " server's shell too (and raise fs.file-max / nofile in /etc/security/limits.conf if needed)%n",
                soft, count + 10_000);
          }
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      // not Linux: nothing to check
    }
  }
}
