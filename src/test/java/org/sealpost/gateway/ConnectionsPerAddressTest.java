package org.sealpost.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.testing.Await;
import org.sealpost.testing.Sockets;
import org.sealpost.testing.TestServer;

/**
 * One address cannot hold every connection of the HTTP listeners: past gateway.maxHttpConnectionsPerIp
 * (media.maxConnectionsPerIp) its new connections are closed as they come, while other addresses are
 * served, and a slot it gives back is its own again.
 */
class ConnectionsPerAddressTest {
  @TempDir Path dir;
  private TestServer server;
  private final List<Socket> held = new ArrayList<>();

  @BeforeEach
  void start() {
    server = new TestServer(dir, config -> config
        .withGateway(config.gateway().withMaxHttpConnectionsPerIp(3))
        .withMedia(config.media().withMaxConnectionsPerIp(2)));
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket socket : held) {
      socket.close();
    }
    server.close();
  }

  @Test
  void theGatewayHttpListenerCapsConnectionsPerAddress() throws Exception {
    assertCapped(server.server().httpPort(), 3, "/health");
  }

  @Test
  void theMediaListenerCapsConnectionsPerAddress() throws Exception {
    assertCapped(server.server().mediaPort(), 2, "/nothing-here");
  }

  private void assertCapped(int port, int cap, String path) throws Exception {
    for (int i = 0; i < cap; i++) {
      held.add(Sockets.connect("127.0.0.1", port)); // idle: not one byte sent
    }
    try (Socket over = Sockets.connect("127.0.0.1", port)) {
      assertThat(Sockets.closedByServer(over, 5000)).as("the connection over the cap is closed").isTrue();
    }
    // another address is served meanwhile
    assertThat(Sockets.get("127.0.0.2", port, path)).startsWith("HTTP/1.1 ");
    // a slot given back is the address's again
    held.remove(0).close();
    Await.until("a slot back for 127.0.0.1", java.time.Duration.ofSeconds(10), () -> {
      try {
        return Sockets.get("127.0.0.1", port, path).startsWith("HTTP/1.1 ");
      } catch (IOException stillFull) {
        return false;
      }
    });
  }
}
