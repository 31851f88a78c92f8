package org.sealpost.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;
import static org.sealpost.testing.Await.failure;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.protocol.KeyLogEntries;

/**
 * The monitor reads the log from where this device first saw it, checks each page against a
 * signed head, and reports keys bound to its number that are not its own, once each.
 */
class KeyLogMonitorTest {
  private static final String ME = "+15557654321";
  private static final int MY_DEVICE = 1;
  private final ByteString myKey = TestKeyLog.key("my key");
  @TempDir Path dir;
  private KeyLogFixture device;
  private KeyLogMonitor monitor;

  @BeforeEach
  void start() {
    device = new KeyLogFixture(dir, true);
    monitor = new KeyLogMonitor(device.state, device.heads, device.crypto, device.log, () -> device.listener, ME,
        MY_DEVICE, myKey.toByteArray());
  }

  @AfterEach
  void close() {
    device.close();
  }

  private KeyLogAudit audit() {
    return await(device.on(monitor::audit));
  }

  /** The device registers: its first head, then its own key is logged. */
  private void register() {
    device.log.appendOthers(5);
    await(device.on(device.heads::refresh));
    device.log.append(ME, MY_DEVICE, myKey);
  }

  @Test
  void theOwnKeyIsFineAndAuditingResumesWhereItStopped() {
    register();
    device.log.appendOthers(7);
    KeyLogAudit first = audit();
    assertThat(first.entriesChecked()).isEqualTo(8); // from the first head seen, not from 0
    assertThat(first.alerts()).isEmpty();
    assertThat(first.ownEntries()).singleElement().satisfies(own -> {
      assertThat(own.thisDevice()).isTrue();
      assertThat(own.index()).isEqualTo(5);
    });
    assertThat(first.head().size()).isEqualTo(13);
    device.log.appendOthers(2);
    assertThat(audit().entriesChecked()).isEqualTo(2);
    assertThat(device.saved().getAuditedSize()).isEqualTo(15);
    assertThat(device.alerts).isEmpty();
  }

  @Test
  void anotherKeyForThisDeviceIsReportedOnce() {
    register();
    device.log.appendOthers(3);
    ByteString mallory = TestKeyLog.key("mallory");
    device.log.append(ME, MY_DEVICE, mallory);
    device.log.appendOthers(1);
    KeyLogAudit audit = audit();
    assertThat(audit.alerts()).singleElement().satisfies(alert -> {
      assertThat(alert.kind()).isEqualTo(KeyLogAlert.Kind.OWN_KEY_REPLACED);
      assertThat(alert.deviceId()).isEqualTo(MY_DEVICE);
      assertThat(alert.key()).isEqualTo(java.util.HexFormat.of().formatHex(mallory.toByteArray()));
    });
    assertThat(device.alerts).containsExactlyElementsOf(audit.alerts());
    // read again from the start: the entry was reported already

    await(device.on(() -> device.crypto.run(() -> device.state.update(s -> s.toBuilder().setAuditedSize(5)
        .clearAuditedFrontier().addAllAuditedFrontier(frontier(5)).build()))));
    assertThat(audit().alerts()).isEmpty();
    assertThat(device.alerts).hasSize(1);
  }

  @Test
  void otherDevicesOfTheNumberAndRemovalsAreReported() {
    register();
    device.log.append(ME, 2, TestKeyLog.key("linked"));
    device.log.append(ME, 2, ByteString.EMPTY);
    device.log.append(ME, MY_DEVICE, ByteString.EMPTY);
    List<KeyLogAlert.Kind> kinds = audit().alerts().stream().map(KeyLogAlert::kind).toList();
    assertThat(kinds).containsExactly(KeyLogAlert.Kind.OTHER_DEVICE_KEY, KeyLogAlert.Kind.DEVICE_REMOVED,
        KeyLogAlert.Kind.DEVICE_REMOVED);
    assertThat(device.alerts.get(0).message()).contains("device 2 of your number got a key");
  }

  @Test
  void readsPageByPage() {
    register();
    device.log.appendOthers(25);
    device.log.pageSize = 4;
    KeyLogAudit audit = audit();
    assertThat(audit.entriesChecked()).isEqualTo(26);
    assertThat(audit.head().size()).isEqualTo(31);
    assertThat(device.saved().getAuditedFrontierCount()).isEqualTo(Long.bitCount(31));
  }

  @Test
  void aPageThatSkipsAnEntryFailsTheAudit() {
    register();
    device.log.appendOthers(3);
    device.log.append(ME, 3, TestKeyLog.key("hidden"));
    device.log.appendOthers(2);
    device.log.entriesAnswer = page -> {
      List<ByteString> kept = new ArrayList<>(page.getEntriesList());
      kept.removeIf(bytes -> bytes.equals(device.log.entries.get(9)));
      return page.toBuilder().clearEntries().addAllEntries(kept).build();
    };
    Throwable failed = failure(device.on(monitor::audit));
    assertThat(failed).isInstanceOf(KeyTransparencyException.class).hasMessageContaining("left out or changed");
    assertThat(device.alerts).singleElement().satisfies(
        alert -> assertThat(alert.kind()).isEqualTo(KeyLogAlert.Kind.LOG_INCONSISTENT));
    assertThat(device.saved().getAuditedSize()).as("nothing of the bad page is kept").isEqualTo(5);
  }

  @Test
  void aPageThatReplacesAnEntryFailsTheAudit() {
    register();
    device.log.append(ME, 3, TestKeyLog.key("hidden"));
    device.log.entriesAnswer = page -> page.toBuilder()
        .setEntries(page.getEntriesCount() - 1, device.log.entries.get(0)).build();
    assertThat(failure(device.on(monitor::audit))).isInstanceOf(KeyTransparencyException.class);
    assertThat(device.alerts).extracting(KeyLogAlert::kind).containsExactly(KeyLogAlert.Kind.LOG_INCONSISTENT);
  }

  @Test
  void aStartingFrontierThatDoesNotFoldToTheSeenRootFails() {
    register();
    device.log.entriesAnswer = page -> {
      KeyLogEntries.Builder wrong = page.toBuilder();
      for (int i = 0; i < wrong.getFrontierCount(); i++) {
        wrong.setFrontier(i, ByteString.copyFrom(new byte[32]));
      }
      return wrong.build();
    };
    assertThat(failure(device.on(monitor::audit))).isInstanceOf(KeyTransparencyException.class);
    // the same, with the page's head signed over the false frontier: the page adds up, its start does not
    device.log.entriesAnswer = page -> {
      List<byte[]> zeros = page.getFrontierList().stream().map(hash -> new byte[32]).toList();
      org.sealpost.merkle.CompactRange range = org.sealpost.merkle.CompactRange.of(page.getFrom(), zeros);
      page.getEntriesList().forEach(bytes -> range.append(org.sealpost.merkle.MerkleHash.leaf(bytes.toByteArray())));
      return page.toBuilder().clearFrontier().addAllFrontier(zeros.stream().map(ByteString::copyFrom).toList())
          .setHead(device.log.sign(range.size(), range.root(), device.log.keys)).build();
    };
    assertThat(failure(device.on(monitor::audit))).isInstanceOf(KeyTransparencyException.class)
        .hasMessageContaining("the log forked");
    device.log.entriesAnswer = page -> page.toBuilder().clearFrontier()
        .addAllFrontier(page.getFrontierList().subList(1, page.getFrontierCount())).build();
    assertThat(failure(device.on(monitor::audit))).isInstanceOf(KeyTransparencyException.class)
        .hasMessageContaining("wrong count");
  }

  @Test
  void aStartBehindTheLatestHeadIsProvedByConsistency() {
    register();
    device.log.appendOthers(4);
    // the device saw a later head (a message, a key fetch) before its first audit
    await(device.on(device.heads::refresh));
    device.log.appendOthers(1);
    KeyLogAudit audit = audit();
    assertThat(audit.entriesChecked()).isEqualTo(6);
    assertThat(audit.ownEntries()).hasSize(1);
  }

  private List<ByteString> frontier(long size) {
    return device.log.tree.frontier(size).stream().map(ByteString::copyFrom).toList();
  }
}
