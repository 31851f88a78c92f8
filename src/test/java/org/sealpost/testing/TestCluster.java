package org.sealpost.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Several Sealpost nodes, each in its own JVM ({@link ServerProcess}), joined into one
 * Hazelcast cluster on loopback over the shared Cassandra + Redis (SEALPOST_TEST_CASSANDRA /
 * SEALPOST_TEST_REDIS). The cluster has its own name, its own Redis key prefix and the
 * keyspace {@code sealpost_cluster}, and Hazelcast ports in 5811-5899, so it meets no other
 * test's data or members (nor a scripts/cluster-up.sh cluster on 5801-5803).
 */
public final class TestCluster implements AutoCloseable {
  public static final String KEYSPACE = "sealpost_cluster";
  private static final int FIRST_HAZELCAST_PORT = 5811;
  private static final int LAST_HAZELCAST_PORT = 5899;

  private final List<ServerProcess> nodes = new ArrayList<>();

  public TestCluster(Path dir, int size) throws IOException {
    String name = "sealpost-it-" + UUID.randomUUID();
    List<Integer> ports = freeHazelcastPorts(size);
    String members = ports.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
    String store = "store:\n  backend: cassandra\n  cassandra:\n    contactPoints: \""
        + System.getenv().getOrDefault("SEALPOST_TEST_CASSANDRA", "127.0.0.1:9042") + "\"\n    keyspace: " + KEYSPACE + "\n"
        + "  redis:\n    uri: \"" + System.getenv().getOrDefault("SEALPOST_TEST_REDIS", "redis://127.0.0.1:6380") + "\"\n"
        + "    keyPrefix: \"" + name + ":\"\n    sessionTtl: 6s\n";
    for (int i = 0; i < size; i++) {
      String cluster = "cluster:\n  enabled: true\n  name: " + name + "\n  host: 127.0.0.1\n  port: " + ports.get(i)
          + "\n  members: \"" + members + "\"\n  failureDetectionTimeout: 5s\n";
      nodes.add(new ServerProcess(dir.resolve("node-" + (i + 1)), store, cluster, Map.of(
          "SEALPOST_NODE_ID", "node-" + (i + 1),
          "SEALPOST_GATEWAY_INSTANCES", "1",
          // C1 only: these JVMs live for a minute or two on a shared 2-core machine, start-up dominates
          "JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1")));
    }
  }

  /** Starts every node at once and waits until all are healthy. */
  public void start() throws IOException, InterruptedException {
    for (ServerProcess node : nodes) {
      node.launch();
    }
    for (ServerProcess node : nodes) {
      node.awaitHealthy(Duration.ofSeconds(150));
    }
  }

  /** Node {@code n}, counted from 1. */
  public ServerProcess node(int n) {
    return nodes.get(n - 1);
  }

  public URI httpUri(int n) {
    return URI.create("http://127.0.0.1:" + node(n).httpPort());
  }

  /** Every node's HTTP URI, node {@code first} first, then the others in order. */
  public List<URI> uris(int first) {
    List<URI> uris = new ArrayList<>();
    uris.add(httpUri(first));
    for (int n = 1; n <= nodes.size(); n++) {
      if (n != first) {
        uris.add(httpUri(n));
      }
    }
    return uris;
  }

  public int size() {
    return nodes.size();
  }

  private static List<Integer> freeHazelcastPorts(int count) throws IOException {
    List<Integer> ports = new ArrayList<>();
    for (int port = FIRST_HAZELCAST_PORT; port <= LAST_HAZELCAST_PORT && ports.size() < count; port++) {
      try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        ports.add(port);
      } catch (IOException inUse) {
        // taken: try the next one
      }
    }
    if (ports.size() < count) {
      throw new IOException("no " + count + " free ports in " + FIRST_HAZELCAST_PORT + "-" + LAST_HAZELCAST_PORT);
    }
    return ports;
  }

  @Override
  public void close() throws InterruptedException {
    for (ServerProcess node : nodes) {
      node.close();
    }
  }
}
