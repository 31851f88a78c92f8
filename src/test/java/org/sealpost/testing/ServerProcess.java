package org.sealpost.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Sealpost node in its own JVM (the test classpath, {@code org.sealpost.Main server}), so a
 * test can kill it with SIGKILL and start it again on the same data directory.
 */
public final class ServerProcess implements AutoCloseable {
  private final Path dir;
  private final Path config;
  private final int httpPort;
  private final int tcpPort;
  private final Map<String, String> env;
  private final int mediaPort;
  private String maxHeap = "256m";
  private Process process;

  public ServerProcess(Path dir, String extraYaml) throws IOException {
    this(dir, TestServer.storeYaml(), extraYaml, Map.of());
  }

  /**
   * @param storeYaml the {@code store:} section (empty: embedded)
   * @param extraYaml further top-level sections (e.g. {@code cluster:})
   * @param env extra environment of the server JVM ({@code SEALPOST_*} overrides)
   */
  public ServerProcess(Path dir, String storeYaml, String extraYaml, Map<String, String> env) throws IOException {
    this.dir = dir;
    this.env = Map.copyOf(env);
    Files.createDirectories(dir);
    this.httpPort = freePort();
    this.tcpPort = freePort();
    this.mediaPort = freePort();
    this.config = dir.resolve("sealpost.yaml");
    StringBuilder numbers = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      numbers.append(String.format("    \"+1555%07d\": \"%s\"%n", 1000 + i, TestServer.TEST_CODE));
    }
    Files.writeString(config, "node:\n  dataDir: " + dir.resolve("data") + "\n"
        + "gateway:\n  httpPort: " + httpPort + "\n  tcpPort: " + tcpPort + "\n"
        + "accounts:\n  testNumbers:\n" + numbers + storeYaml + extraYaml);
  }

  public static String number(int i) {
    return String.format("+1555%07d", 1000 + i);
  }

  public void start() throws IOException, InterruptedException {
    launch();
    awaitHealthy(Duration.ofSeconds(60));
  }

  /** Starts the JVM without waiting; {@link #awaitHealthy} waits (so several can boot at once). */
  public void launch() throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx" + maxHeap, "-cp",
        System.getProperty("java.class.path"), "org.sealpost.Main", "server", "--config", config.toString()))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.log").toFile()));
    // by environment, so extraYaml may still hold a media section of its own
    builder.environment().put("SEALPOST_MEDIA_PORT", String.valueOf(mediaPort));
    builder.environment().putAll(env);
    process = builder.start();
  }

  /** SIGTERM: the graceful shutdown (clients told to reconnect elsewhere, the cluster left cleanly). */
  public void terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("server process did not stop within 60 s after SIGTERM; see " + log());
    }
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("server process did not die");
    }
  }

  /** Waits for the process to end by itself and returns its exit code; fails if it still runs at the timeout. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("server process still running after " + timeout + "; see " + log());
    }
    return process.exitValue();
  }

  public int httpPort() {
    return httpPort;
  }

  /** The server JVM's -Xmx (default 256m); set before {@link #start()}. */
  public ServerProcess maxHeap(String value) {
    this.maxHeap = value;
    return this;
  }

  public int mediaPort() {
    return mediaPort;
  }

  public int tcpPort() {
    return tcpPort;
  }

  public Path log() {
    return dir.resolve("server.log");
  }

  public void awaitHealthy(Duration timeout) throws InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health"))
        .timeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("server process exited with " + process.exitValue() + "; see " + log());
      }
      try {
        if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      process.waitFor(100, TimeUnit.MILLISECONDS);
    }
    throw new IllegalStateException("server not healthy within " + timeout + "; see " + log());
  }

  /** Ports this JVM handed out already: two nodes of one test never get the same one. */
  private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * A port free now, below the kernel's ephemeral range (32768+): the port is only bound later,
   * by the server process, and an ephemeral port could meanwhile become the local end of some
   * outbound connection (another node's cluster links, a Cassandra or Redis client), so that the
   * server's bind would fail.
   */
  private static int freePort() throws IOException {
    java.util.Random random = new java.util.Random();
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = 20_000 + random.nextInt(12_000);
      if (!HANDED_OUT.add(port)) {
        continue;
      }
      try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
        return socket.getLocalPort();
      } catch (IOException taken) {
        // in use: try another
      }
    }
    throw new IOException("no free port found in 20000-31999");
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
