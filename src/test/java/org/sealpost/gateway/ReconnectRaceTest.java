package org.sealpost.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;

import io.vertx.core.Future;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.client.WireConnection;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.testing.TestDevice;
import org.sealpost.testing.TestServer;
import org.sealpost.testing.TestServer.Transport;

/**
 * One device reconnecting fast, several logins of it in flight at once (a phone flapping between
 * networks): each login replaces the one before it, exactly one connection stays open, and the
 * device's next login gets its messages.
 */
class ReconnectRaceTest {
  @TempDir Path dataDir;
  private TestServer server;

  @BeforeEach
  void start() {
    server = new TestServer(dataDir);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void overlappingLoginsOfOneDeviceAllSucceedAndOnlyTheLastStays() throws Exception {
    DeviceCredentials flapping = server.register();
    TestDevice sender = server.device(server.register());
    List<WireConnection> connections = new ArrayList<>();
    Set<WireConnection> closed = ConcurrentHashMap.newKeySet();
    // 20 rounds of 10 logins: all but the last connection are replaced and closed by the server
    CountDownLatch replacedClosed = new CountDownLatch(20 * 10 - 1);
    List<String> failures = new ArrayList<>();
    for (int round = 0; round < 20; round++) {
      // ten logins at once, each replacing whichever came before it
      List<Future<WireConnection>> logins = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        WireConnection connection = server.connect(Transport.TCP);
        connection.onClose(() -> {
          closed.add(connection);
          replacedClosed.countDown();
        });
        connections.add(connection);
        logins.add(connection.authenticate(flapping.getNumber(), flapping.getDeviceId(), flapping.getPassword())
            .map(auth -> connection)
            .otherwise(err -> {
              synchronized (failures) {
                failures.add(String.valueOf(err));
              }
              return null;
            }));
      }
      await(Future.join(logins));
    }
    // A login overtaken by a newer one while in flight is closed (after a 401 saying why); no other failure, no 5xx.
    assertThat(failures).as("logins that failed").allMatch(failure -> failure.endsWith("connection closed"));

    // Every connection but one is closed by the server.
    assertThat(replacedClosed.await(10, TimeUnit.SECONDS)).as("every replaced connection closed").isTrue();
    assertThat(closed).hasSize(connections.size() - 1);
    // One more login replaces the survivor in turn, and gets what is sent to the device.
    TestDevice device = server.device(flapping);
    sender.send(flapping.getNumber(), List.of(flapping.getDeviceId()), TestDevice.newMessageId(), "after the storm");
    assertThat(device.next(10).getContent().toStringUtf8()).isEqualTo("after the storm@" + flapping.getDeviceId());
  }
}
