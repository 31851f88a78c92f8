package org.sealpost.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.testing.TestDevice;
import org.sealpost.testing.TestServer;

/** An online backup of the embedded store, taken while the node runs, restores as a node's data. */
class BackupTest {
  private static final String TOKEN = "backup-token-for-tests-0123456789";

  @Test
  void onlineBackupRestoresAccountsAndQueuedMessages(@TempDir Path dir) {
    assumeFalse(TestServer.onCassandra(), "online backup covers the embedded store");
    DeviceCredentials bob;
    String backup;
    try (TestServer server = new TestServer(dir.resolve("live"), c -> c.withMetrics(c.metrics().withAdminToken(TOKEN)))) {
      TestDevice alice = server.device(server.register());
      bob = server.register();
      alice.send(bob.getNumber(), List.of(1), TestDevice.newMessageId(), "queued before the backup");

      assertThat(Scrape.post(server.httpUri(), "/admin/backup", "wrong-token-wrong-token").statusCode()).isEqualTo(401);
      HttpResponse<String> made = Scrape.post(server.httpUri(), "/admin/backup", TOKEN);
      assertThat(made.statusCode()).as(made.body()).isEqualTo(200);
      backup = new JsonObject(made.body()).getString("backup");
      alice.send(bob.getNumber(), List.of(1), TestDevice.newMessageId(), "after the backup");
    }

    try (TestServer restored = new TestServer(Path.of(backup))) {
      TestDevice bobDevice = restored.device(bob);
      assertThat(bobDevice.next(10).getContent().toStringUtf8()).isEqualTo("queued before the backup@1");
      bobDevice.awaitQueueEmpty(10);
      assertThat(bobDevice.inboxSize()).as("nothing written after the backup was taken").isZero();
    }
  }
}
