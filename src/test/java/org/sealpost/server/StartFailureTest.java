package org.sealpost.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.testing.ServerProcess;

/** A node that cannot start says why and exits at once, instead of lingering with nothing listening. */
class StartFailureTest {

  @Test
  void aTakenTcpPortIsNamedAndTheProcessExitsNonZeroWithinSeconds(@TempDir Path dir) throws Exception {
    try (ServerProcess server = new ServerProcess(dir, "");
        ServerSocket taken = new ServerSocket(server.tcpPort(), 1, InetAddress.getLoopbackAddress())) {
      long started = System.nanoTime();
      server.launch();
      int exit = server.awaitExit(Duration.ofSeconds(60));

      assertThat(exit).isNotZero();
      // well within the 3-minute start timeout it used to wait out
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(45));
      assertThat(Files.readString(server.log()))
          .contains("gateway TCP cannot listen on 127.0.0.1:" + server.tcpPort())
          .contains("Address already in use");
    }
  }

  @Test
  void aTakenHttpPortIsNamedToo(@TempDir Path dir) throws Exception {
    try (ServerProcess server = new ServerProcess(dir, "");
        ServerSocket taken = new ServerSocket(server.httpPort(), 1, InetAddress.getLoopbackAddress())) {
      server.launch();

      assertThat(server.awaitExit(Duration.ofSeconds(60))).isNotZero();
      assertThat(Files.readString(server.log())).contains("gateway HTTP cannot listen on 127.0.0.1:" + server.httpPort());
    }
  }
}
