package org.sealpost.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.protocol.ReconnectRequest;
import org.sealpost.protocol.Request;
import org.sealpost.protocol.Response;
import org.sealpost.testing.TestDevice;
import org.sealpost.testing.TestServer;

/** A node that stops tells its clients to reconnect elsewhere before it closes their connections. */
class GracefulShutdownTest {

  @Test
  void stoppingNodeAsksClientsToReconnectThenClosesWith503(@TempDir Path dir) throws Exception {
    try (TestServer server = new TestServer(dir)) {
      TestDevice alice = server.device(server.register());
      CompletableFuture<Response> closing = new CompletableFuture<>();
      alice.connection().onConnectionError(closing::complete);

      server.stop();

      Request reconnect = alice.nextRequest(10);
      assertThat(reconnect.getVerb() + " " + reconnect.getPath()).isEqualTo("PUT /v1/reconnect");
      assertThat(ReconnectRequest.parseFrom(reconnect.getBody()).getAvoidMs()).isPositive();
      assertThat(closing.get(10, java.util.concurrent.TimeUnit.SECONDS).getStatus()).isEqualTo(503);
      alice.awaitClosed(10);
    }
  }

  @Test
  void aDeliveryNotAckedWhenTheNodeStopsComesAgainAfterwards(@TempDir Path dir) {
    try (TestServer server = new TestServer(dir)) {
      TestDevice alice = server.device(server.register());
      var bob = server.register();
      TestDevice bobDevice = server.device(bob);
      bobDevice.answerDeliveriesWith(500);
      alice.send(bob.getNumber(), List.of(1), TestDevice.newMessageId(), "in flight at shutdown");
      bobDevice.next(10);

      server.restart();

      TestDevice again = server.device(bob);
      assertThat(again.next(10).getContent().toStringUtf8()).isEqualTo("in flight at shutdown@1");
    }
  }
}
