package org.sealpost.transparency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.client.RestClient;
import org.sealpost.keys.TestKeys;
import org.sealpost.merkle.MerkleHash;
import org.sealpost.merkle.MerkleProofs;
import org.sealpost.merkle.MerkleTree;
import org.sealpost.merkle.TreeHead;
import org.sealpost.protocol.ConsistencyProof;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.KeyLogEntries;
import org.sealpost.protocol.KeyLogEntry;
import org.sealpost.protocol.KeyLogKey;
import org.sealpost.protocol.LoggedKey;
import org.sealpost.protocol.LoggedKeys;
import org.sealpost.protocol.PreKeyCount;
import org.sealpost.protocol.PreKeyUpload;
import org.sealpost.protocol.SignedTreeHead;
import org.sealpost.testing.ServerProcess;
import org.sealpost.testing.TestServer;

/**
 * The key log survives SIGKILL as the message queues do: a server process killed while devices
 * upload their first keys comes back with every acknowledged key in its log, under the same log
 * key, with a head consistent with one signed before the kill, and a log whose entries hash to it.
 */
class KeyLogCrashTest {
  private static final int ACCOUNTS = 12;

  @Test
  void everyAcknowledgedKeyIsLoggedAfterASigkill(@TempDir Path dir) throws Exception {
    Vertx vertx = Vertx.vertx();
    try (ServerProcess process = new ServerProcess(dir, "")) {
      process.start();
      RestClient rest = new RestClient(vertx, URI.create("http://127.0.0.1:" + process.httpPort()));
      List<DeviceCredentials> accounts = new ArrayList<>();
      List<PreKeyUpload> uploads = new ArrayList<>();
      for (int i = 0; i < ACCOUNTS; i++) {
        String number = ServerProcess.number(i);
        String session = await(rest.requestCode(number)).getSessionId();
        accounts.add(await(rest.verify(number, session, TestServer.TEST_CODE, 42, "test")));
        uploads.add(new TestKeys(42).complete(1, 1));
      }
      DeviceCredentials first = accounts.get(0);
      KeyLogKey logKey = await(rest.keyLogKey());
      SignedTreeHead before = get(rest, first, "/v1/keylog/head", SignedTreeHead.parser());

      // Every first upload at once; the kill comes once half are acknowledged.
      Map<String, ByteString> acknowledged = new ConcurrentHashMap<>();
      CountDownLatch half = new CountDownLatch(ACCOUNTS / 2);
      for (int i = 0; i < ACCOUNTS; i++) {
        DeviceCredentials account = accounts.get(i);
        PreKeyUpload upload = uploads.get(i);
        rest.call(HttpMethod.PUT, "/v1/keys", account, upload, PreKeyCount.parser()).onSuccess(count -> {
          acknowledged.put(account.getNumber(), upload.getIdentityKey());
          half.countDown();
        });
      }
      assertThat(half.await(60, TimeUnit.SECONDS)).isTrue();
      process.kill();
      process.start();

      assertThat(await(rest.keyLogKey())).isEqualTo(logKey);
      PublicKey publicKey = KeyFactory.getInstance("Ed25519")
          .generatePublic(new X509EncodedKeySpec(logKey.getPublicKey().toByteArray()));
      SignedTreeHead after = get(rest, first, "/v1/keylog/head", SignedTreeHead.parser());
      assertSigned(after, publicKey);
      assertThat(after.getSize()).isGreaterThanOrEqualTo(before.getSize() + acknowledged.size());

      for (var account : acknowledged.entrySet()) {
        LoggedKeys logged = get(rest, first, "/v1/keylog/devices/" + account.getKey(), LoggedKeys.parser());
        assertSigned(logged.getHead(), publicKey);
        assertThat(logged.getDevicesList()).hasSize(1);
        LoggedKey device = logged.getDevices(0);
        assertThat(KeyLogEntry.parseFrom(device.getEntry()).getIdentityKey()).isEqualTo(account.getValue());
        assertThat(MerkleProofs.verifyInclusion(MerkleHash.leaf(device.getEntry().toByteArray()), device.getIndex(),
            logged.getHead().getSize(), hashes(device.getAuditPathList()), logged.getHead().getRootHash().toByteArray()))
            .as("the audit path of %s's key", account.getKey()).isTrue();
      }

      ConsistencyProof grown = get(rest, first,
          "/v1/keylog/consistency/" + before.getSize() + "/" + after.getSize(), ConsistencyProof.parser());
      assertThat(MerkleProofs.verifyConsistency(before.getSize(), after.getSize(), hashes(grown.getPathList()),
          before.getRootHash().toByteArray(), after.getRootHash().toByteArray())).isTrue();
      assertThat(rootOfEveryEntry(rest, first, after.getSize())).isEqualTo(after.getRootHash().toByteArray());
    } finally {
      await(vertx.close(), 30);
    }
  }

  /** The root of the log's first {@code size} entries, as a monitor computes it from every page. */
  private static byte[] rootOfEveryEntry(RestClient rest, DeviceCredentials reader, long size) {
    MerkleTree tree = new MerkleTree();
    while (tree.size() < size) {
      KeyLogEntries page = get(rest, reader, "/v1/keylog/entries/" + tree.size(), KeyLogEntries.parser());
      assertThat(page.getEntriesCount()).isPositive();
      page.getEntriesList().forEach(entry -> tree.append(MerkleHash.leaf(entry.toByteArray())));
    }
    return tree.root(size);
  }

  private static <T> T get(RestClient rest, DeviceCredentials as, String path, com.google.protobuf.Parser<T> parser) {
    return await(rest.call(HttpMethod.GET, path, as, Empty.getDefaultInstance(), parser));
  }

  private static void assertSigned(SignedTreeHead head, PublicKey logKey) {
    assertThat(new TreeHead(head.getSize(), head.getRootHash().toByteArray(), head.getTimestamp())
        .verify(head.getSignature().toByteArray(), logKey)).as("the head's signature").isTrue();
  }

  private static List<byte[]> hashes(List<ByteString> path) {
    return path.stream().map(ByteString::toByteArray).toList();
  }
}
