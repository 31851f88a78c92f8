package org.sealpost.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.testing.Await;
import org.sealpost.testing.Sockets;
import org.sealpost.testing.TestServer;

/**
 * The node's connections as a whole (#19, item 2): one cap over every listener, below the
 * descriptor limit, and HTTP connections that send nothing are not kept.
 */
class NodeConnectionsTest {
  @TempDir Path dir;
  private final List<Socket> held = new ArrayList<>();

  @AfterEach
  void release() throws IOException {
    for (Socket socket : held) {
      socket.close();
    }
  }

  @Test
  void theNodeCapsItsConnectionsOverEveryListener() throws Exception {
    try (TestServer server = new TestServer(dir, config -> config.withNode(config.node().withMaxConnections(4)))) {
      int tcp = server.server().tcpPort();
      int http = server.server().httpPort();
      held.add(Sockets.connect("127.0.0.1", tcp));
      held.add(Sockets.connect("127.0.0.2", tcp));
      held.add(Sockets.connect("127.0.0.3", http));
      held.add(Sockets.connect("127.0.0.4", http));
      Await.until("four connections counted", Duration.ofSeconds(5),
          () -> server.server().meters().get("sealpost.connections.open").gauge().value() == 4);

      for (int port : new int[] {tcp, http, server.server().mediaPort()}) {
        try (Socket over = Sockets.connect("127.0.0.5", port)) {
          assertThat(Sockets.closedByServer(over, 5000)).as("a fifth connection, port %d", port).isTrue();
        }
      }
      assertThat(server.server().meters().get("sealpost.connections.refused").functionCounter().count()).isEqualTo(3);

      held.remove(0).close();
      Await.until("a slot back", Duration.ofSeconds(10), () -> {
        try {
          return Sockets.get("127.0.0.5", http, "/health").startsWith("HTTP/1.1 200");
        } catch (IOException stillFull) {
          return false;
        }
      });
    }
  }

  @Test
  void anHttpConnectionThatSendsNothingIsClosedAfterTheAuthTimeout() throws Exception {
    try (TestServer server = new TestServer(dir, config -> config.withGateway(
        config.gateway().withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(90))))) {
      int http = server.server().httpPort();
      Socket talking = Sockets.connect("127.0.0.1", http);
      held.add(talking);
      assertThat(Sockets.get(talking, "/health", false)).startsWith("HTTP/1.1 200");
      long start = System.nanoTime();
      try (Socket silent = Sockets.connect("127.0.0.1", http)) {
        assertThat(Sockets.closedByServer(silent, 5000)).as("a connection that sent nothing").isTrue();
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
      // One that asked something is kept for the idle timeout, past the first request's deadline.
      assertThat(Sockets.get(talking, "/health", false)).startsWith("HTTP/1.1 200");
    }
  }
}
