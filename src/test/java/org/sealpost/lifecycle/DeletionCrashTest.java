package org.sealpost.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;
import static org.sealpost.testing.Await.failure;

import com.google.protobuf.Empty;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.client.RequestFailedException;
import org.sealpost.client.RestClient;
import org.sealpost.client.WireConnection;
import org.sealpost.protocol.CreateGroupRequest;
import org.sealpost.protocol.DeleteAccountRequest;
import org.sealpost.protocol.DeletionCodeResponse;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.Group;
import org.sealpost.testing.ServerProcess;
import org.sealpost.testing.StoreScan;
import org.sealpost.testing.TestServer;

/**
 * SIGKILL of the node in the middle of an account's deletion: after a restart the account is
 * unusable at once and the deletion is finished, whichever step the kill cut.
 */
class DeletionCrashTest {
  /** Groups to leave: enough that the deletion's second half lasts long enough to be cut. */
  private static final int GROUPS = 150;
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    await(vertx.close(), 30);
  }

  @Test
  void aSigkillDuringADeletionLeavesItFinishedAfterARestart() throws Exception {
    String prefix = String.format("+1557%03d", ThreadLocalRandom.current().nextInt(1000));
    String alice = prefix + "0001";
    String bob = prefix + "0002";
    String storeYaml = TestServer.storeYaml();
    try (ServerProcess node = new ServerProcess(dir.resolve("node"), storeYaml, "",
        Map.of("SEALPOST_ACCOUNTS_TEST_NUMBERS", "{\"" + prefix + "*\": \"" + TestServer.TEST_CODE + "\"}"))) {
      node.start();
      RestClient rest = new RestClient(vertx, URI.create("http://127.0.0.1:" + node.httpPort()));
      DeviceCredentials phone = register(rest, alice);
      register(rest, bob);
      WireConnection connection = connect(node, phone);
      List<String> groups = new ArrayList<>();
      for (int i = 0; i < GROUPS; i++) {
        groups.add(await(connection.call("POST", "/v1/groups", CreateGroupRequest.newBuilder().addMembers(bob).build(),
            Group.parser()), 30).getId());
      }
      await(connection.call("POST", "/v1/accounts/me/deletion-code", Empty.getDefaultInstance(),
          DeletionCodeResponse.parser()), 30);

      connection.request("DELETE", "/v1/accounts/me",
          DeleteAccountRequest.newBuilder().setPassword(phone.getPassword()).setCode(TestServer.TEST_CODE).build());
      awaitLog(node, "deleting account", 1); // the first half is durable: the account is gone
      node.kill();
      boolean cut = count(node, "deleted account") == 0;
      System.out.println("DeletionCrashTest: the kill cut the deletion short: " + cut);

      node.start();
      Throwable refused = failure(connect(node).authenticate(alice, 1, phone.getPassword()));
      assertThat(((RequestFailedException) refused).status()).as("the account is gone after the restart").isEqualTo(401);
      // Cut short, the restarted node's sweeper finishes it; finished before the kill, it is done.
      awaitLog(node, cut ? "account deletions that were cut short" : "deleted account", 1);

      List<String> left = new ArrayList<>();
      if (TestServer.onCassandra()) {
        StoreScan.cassandra(alice).stream()
            .filter(f -> !(f.where().startsWith("queue.") && (!f.owner().equals(alice) || f.expires())))
            .forEach(f -> left.add(f.where()));
        // The killed node's session entry for the device stays until its TTL: nothing refreshes it.
        StoreScan.redis(vertx, redisPrefix(storeYaml), alice).stream()
            .filter(f -> !((f.where().contains(":rl:") || f.where().contains(":session:")) && f.expires()))
            .forEach(f -> left.add(f.where()));
      } else {
        node.terminate();
        StoreScan.embedded(vertx, dir.resolve("node").resolve("data"), alice).stream()
            .filter(f -> !(f.where().startsWith("queue") && !f.owner().equals(alice)))
            .forEach(f -> left.add(f.where()));
      }
      assertThat(left).as("what names the deleted number in %d groups' records and elsewhere", groups.size())
          .isEmpty();
    }
  }

  private static DeviceCredentials register(RestClient rest, String number) {
    String session = await(rest.requestCode(number), 30).getSessionId();
    return await(rest.verify(number, session, TestServer.TEST_CODE, 7, "phone"), 30);
  }

  private WireConnection connect(ServerProcess node) {
    return await(WireConnection.tcp(vertx, "127.0.0.1", node.tcpPort()), 30);
  }

  private WireConnection connect(ServerProcess node, DeviceCredentials device) {
    WireConnection connection = connect(node);
    await(connection.authenticate(device.getNumber(), device.getDeviceId(), device.getPassword()), 30);
    return connection;
  }

  /** Waits until the node's log holds {@code line} at least {@code times} times. */
  private static void awaitLog(ServerProcess node, String line, int times) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (count(node, line) < times) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no \"" + line + "\" in " + node.log() + " within " + WAIT);
      }
      LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
    }
  }

  private static int count(ServerProcess node, String line) throws Exception {
    if (!Files.exists(node.log())) {
      return 0;
    }
    int found = 0;
    for (String logged : Files.readAllLines(node.log())) {
      found += logged.contains(line) ? 1 : 0;
    }
    return found;
  }

  private static String redisPrefix(String storeYaml) {
    Matcher prefix = Pattern.compile("keyPrefix: \"([^\"]+)\"").matcher(storeYaml);
    return prefix.find() ? prefix.group(1) : "";
  }
}
