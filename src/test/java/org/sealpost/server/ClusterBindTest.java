package org.sealpost.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sealpost.config.ClusterConfig;
import org.sealpost.config.ConfigLoader;

/** A clustered node listens for its peers on cluster.host only, not on every interface. */
class ClusterBindTest {

  @Test
  void hazelcastAndTheEventBusListenOnClusterHostOnly() throws Exception {
    int hazelcastPort = freePort();
    int eventBusPort = freePort();
    ClusterConfig cluster = new ConfigLoader().load(null, Map.of(
        "SEALPOST_STORE_BACKEND", "cassandra",
        "SEALPOST_CLUSTER_ENABLED", "true",
        "SEALPOST_CLUSTER_NAME", "bind-test-" + hazelcastPort,
        "SEALPOST_CLUSTER_HOST", "127.0.0.1",
        "SEALPOST_CLUSTER_PORT", String.valueOf(hazelcastPort),
        "SEALPOST_CLUSTER_EVENT_BUS_PORT", String.valueOf(eventBusPort))).cluster();

    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setEventBusOptions(HazelcastSetup.eventBusOptions(cluster)))
        .withClusterManager(HazelcastSetup.clusterManager(cluster))
        .buildClustered().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    try {
      assertThat(listeningAddresses(hazelcastPort)).as("Hazelcast on " + hazelcastPort).containsExactly("127.0.0.1");
      assertThat(listeningAddresses(eventBusPort)).as("event bus on " + eventBusPort).containsExactly("127.0.0.1");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** The local addresses of the sockets listening on {@code port}, from /proc/net/tcp and tcp6 ("::" and "0.0.0.0" for any). */
  private static List<String> listeningAddresses(int port) throws IOException {
    List<String> addresses = new ArrayList<>();
    String portHex = String.format("%04X", port);
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      List<String> lines = Files.readAllLines(Path.of(table));
      for (String line : lines.subList(1, lines.size())) {
        String[] fields = line.trim().split("\\s+");
        String[] local = fields[1].split(":");
        if (fields[3].equals("0A") && local[1].equals(portHex)) {
          addresses.add(address(local[0]));
        }
      }
    }
    return addresses;
  }

  private static String address(String hex) {
    if (hex.length() == 8) { // IPv4, little-endian
      long value = Long.parseLong(hex, 16);
      return (value & 0xff) + "." + ((value >> 8) & 0xff) + "." + ((value >> 16) & 0xff) + "." + ((value >> 24) & 0xff);
    }
    if (hex.equals("00000000000000000000000000000000")) {
      return "::";
    }
    if (hex.startsWith("0000000000000000FFFF0000")) { // IPv4-mapped
      return address(hex.substring(24));
    }
    return hex;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
