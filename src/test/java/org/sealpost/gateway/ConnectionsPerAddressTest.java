package org.sealpost.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.testing.Await;
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
      held.add(connect("127.0.0.1", port)); // idle: not one byte sent
    }
    try (Socket over = connect("127.0.0.1", port)) {
      assertThat(closedByServer(over)).as("the connection over the cap is closed").isTrue();
    }
    // another address is served meanwhile
    assertThat(get("127.0.0.2", port, path)).startsWith("HTTP/1.1 ");
    // a slot given back is the address's again
    held.remove(0).close();
    Await.until("a slot back for 127.0.0.1", java.time.Duration.ofSeconds(10), () -> {
      try {
        return get("127.0.0.1", port, path).startsWith("HTTP/1.1 ");
      } catch (IOException stillFull) {
        return false;
      }
    });
  }

  private static Socket connect(String from, int port) throws IOException {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    return socket;
  }

  /** True when the server closes the connection (end of stream) within 5 s without a byte. */
  private static boolean closedByServer(Socket socket) throws IOException {
    socket.setSoTimeout(5000);
    try {
      return socket.getInputStream().read() == -1;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException reset) {
      return true; // closed with a reset
    }
  }

  /** The status line of a GET from {@code from}; IOException when the server closes instead. */
  private static String get(String from, int port, String path) throws IOException {
    try (Socket socket = connect(from, port)) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      StringBuilder line = new StringBuilder();
      for (int b = in.read(); b != -1 && b != '\r'; b = in.read()) {
        line.append((char) b);
      }
      if (line.length() == 0) {
        throw new IOException("closed without an answer");
      }
      return line.toString();
    }
  }
}
