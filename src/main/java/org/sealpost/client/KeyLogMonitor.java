package org.sealpost.client;

import com.google.protobuf.ByteString;
import io.vertx.core.Future;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.sealpost.client.proto.KeyLogState;
import org.sealpost.merkle.CompactRange;
import org.sealpost.merkle.MerkleHash;
import org.sealpost.merkle.TreeHead;
import org.sealpost.protocol.KeyLogEntries;
import org.sealpost.protocol.KeyLogEntry;
import org.sealpost.protocol.SignedTreeHead;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the key log for keys bound to this account's number: reads every entry appended since
 * the last audit, page by page, folds them into its compact range and checks that the range's
 * root is the root of each page's head (so no entry was left out or changed), and that each head
 * verifies and advances ({@link KeyLogHeads}). An entry giving this device's id another key, or
 * another device of the number a key, or removing one, raises a {@link KeyLogAlert}, once.
 * A device starts auditing where it first saw the log: the server's frontier at that size must
 * fold to a root this device verified.
 *
 * <p>A proof that fails is a {@link KeyLogAlert.Kind#LOG_INCONSISTENT} alert and fails the audit.
 * Used on the client's context; one audit runs at a time.
 */
final class KeyLogMonitor {
  private static final Logger log = LoggerFactory.getLogger(KeyLogMonitor.class);
  private static final HexFormat HEX = HexFormat.of();

  private final KeyLogStateFile state;
  private final KeyLogHeads heads;
  private final CryptoWorker crypto;
  private final KeyLogServer server;
  private final Supplier<ClientListener> listener;
  private final String number;
  private final int deviceId;
  private final ByteString ownKey;
  private final String self;
  private Future<KeyLogAudit> running;

  KeyLogMonitor(KeyLogStateFile state, KeyLogHeads heads, CryptoWorker crypto, KeyLogServer server,
      Supplier<ClientListener> listener, String number, int deviceId, byte[] ownKey) {
    this.state = state;
    this.heads = heads;
    this.crypto = crypto;
    this.server = server;
    this.listener = listener;
    this.number = number;
    this.deviceId = deviceId;
    this.ownKey = ByteString.copyFrom(ownKey);
    this.self = Redact.device(number, deviceId);
  }

  /** Audits the log up to its current head; while an audit runs, that audit is the answer. */
  Future<KeyLogAudit> audit() {
    if (running == null) {
      running = run().onComplete(done -> running = null);
    }
    return running;
  }

  /** Completes once no audit runs (whatever its outcome). */
  Future<?> idle() {
    Future<KeyLogAudit> current = running;
    return current == null ? Future.succeededFuture() : current.transform(ignored -> Future.succeededFuture());
  }

  private Future<KeyLogAudit> run() {
    Run run = new Run();
    return heads.refresh()
        .compose(latest -> crypto.run(state::get).compose(start -> {
          long size = start.getAuditedSize();
          List<byte[]> frontier = start.getAuditedFrontierList().stream().map(ByteString::toByteArray).toList();
          // A range without its frontier is a start not yet proved: the first page brings the frontier.
          CompactRange range = frontier.size() == Long.bitCount(size) ? CompactRange.of(size, frontier) : null;
          return page(run, range, size, latest);
        }).map(reached -> new KeyLogAudit(reached, run.checked, List.copyOf(run.alerts), List.copyOf(run.own))))
        .recover(error -> {
          if (error instanceof KeyTransparencyException) {
            raise(new KeyLogAlert(KeyLogAlert.Kind.LOG_INCONSISTENT, number, 0, "", error.getMessage()));
            log.warn("{} - key log audit failed: {}", self, error.getMessage());
          }
          return Future.failedFuture(error);
        });
  }

  /** Reads the page at {@code from} and the ones after it until the range reaches {@code target}. */
  private Future<TreeHead> page(Run run, CompactRange range, long from, SignedTreeHead target) {
    if (range != null && range.size() >= target.getSize()) {
      return Future.succeededFuture(KeyLogHeads.treeHead(target));
    }
    return server.entries(from).compose(page -> crypto.run(() -> fold(run, range, from, page))
        .compose(folded -> (folded.startRoot() == null ? Future.<Void>succeededFuture()
            : heads.provePrefix(from, folded.startRoot()))
            .compose(v -> heads.advance(page.getHead()))
            .compose(v -> crypto.run(() -> record(run, folded)))
            .compose(alerts -> {
              alerts.forEach(this::raise);
              if (page.getEntriesCount() == 0 && folded.range().size() < target.getSize()) {
                return Future.failedFuture(new KeyTransparencyException("the log's entries end at "
                    + folded.range().size() + ", short of its head of size " + target.getSize()));
              }
              return page(run, folded.range(), folded.range().size(), target);
            })));
  }

  /** Appends the page's entries to the range and checks its root against the page's head. On the crypto worker. */
  private Folded fold(Run run, CompactRange known, long from, KeyLogEntries page) {
    if (page.getFrom() != from || !page.hasHead()) {
      throw new KeyTransparencyException("the log answered entries from " + page.getFrom() + " (asked " + from
          + ") or without a head");
    }
    CompactRange range = known;
    byte[] startRoot = null;
    if (range == null) {
      try {
        range = CompactRange.of(from, page.getFrontierList().stream().map(ByteString::toByteArray).toList());
      } catch (IllegalArgumentException e) {
        throw new KeyTransparencyException("the log's frontier at " + from + " has the wrong count of subtrees");
      }
      startRoot = range.root();
    } else {
      range = CompactRange.of(range.size(), range.frontier());
    }
    List<Finding> findings = new ArrayList<>();
    for (int i = 0; i < page.getEntriesCount(); i++) {
      ByteString bytes = page.getEntries(i);
      range.append(MerkleHash.leaf(bytes.toByteArray()));
      examine(from + i, bytes).ifPresent(findings::add);
    }
    TreeHead head = KeyLogHeads.treeHead(page.getHead());
    if (head.size() != range.size() || !MessageDigest.isEqual(head.rootHash(), range.root())) {
      throw new KeyTransparencyException("the log's entries " + from + " to " + range.size()
          + " do not give the root of its head of size " + head.size() + ": an entry was left out or changed");
    }
    run.checked += page.getEntriesCount();
    return new Folded(range, startRoot, findings);
  }

  /** What an entry says about this account's number, if anything. */
  private java.util.Optional<Finding> examine(long index, ByteString bytes) {
    KeyLogEntry entry;
    try {
      entry = BundleProofs.parse("entry " + index + ": ", bytes);
    } catch (KeyTransparencyException e) {
      log.warn("{} - key log entry {} is unreadable; skipped", self, index);
      return java.util.Optional.empty();
    }
    if (!entry.getNumber().equals(number)) {
      return java.util.Optional.empty();
    }
    int device = entry.getDeviceId();
    boolean removed = entry.getIdentityKey().isEmpty();
    boolean mine = device == deviceId && entry.getIdentityKey().equals(ownKey);
    String key = HEX.formatHex(entry.getIdentityKey().toByteArray());
    KeyLogAudit.OwnEntry own = new KeyLogAudit.OwnEntry(index, device, key,
        Instant.ofEpochMilli(entry.getLoggedAt()), mine);
    KeyLogAlert alert = null;
    if (device == deviceId && removed) {
      alert = new KeyLogAlert(KeyLogAlert.Kind.DEVICE_REMOVED, number, device, "",
          "this device (" + device + ") was logged as removed");
    } else if (device == deviceId && !mine) {
      alert = new KeyLogAlert(KeyLogAlert.Kind.OWN_KEY_REPLACED, number, device, key,
          "this device's id (" + device + ") was logged with another key: someone else may get your messages");
    } else if (device != deviceId && removed) {
      alert = new KeyLogAlert(KeyLogAlert.Kind.DEVICE_REMOVED, number, device, "", "device " + device + " removed");
    } else if (device != deviceId) {
      alert = new KeyLogAlert(KeyLogAlert.Kind.OTHER_DEVICE_KEY, number, device, key,
          "device " + device + " of your number got a key (a device linked, or someone else's key)");
    }
    return java.util.Optional.of(new Finding(own, alert, bytes));
  }

  /** Saves how far the log is audited and which entries were reported; returns the alerts new to this device. */
  private List<KeyLogAlert> record(Run run, Folded folded) {
    Set<ByteString> reported = new HashSet<>(state.get().getReportedEntriesList());
    List<KeyLogAlert> fresh = new ArrayList<>();
    List<ByteString> newlyReported = new ArrayList<>();
    for (Finding finding : folded.findings()) {
      run.own.add(finding.own());
      if (finding.alert() != null && reported.add(finding.bytes())) {
        fresh.add(finding.alert());
        newlyReported.add(finding.bytes());
      }
    }
    state.update(s -> {
      KeyLogState.Builder next = s.toBuilder().setAuditedSize(folded.range().size()).clearAuditedFrontier()
          .addAllReportedEntries(newlyReported);
      folded.range().frontier().forEach(hash -> next.addAuditedFrontier(ByteString.copyFrom(hash)));
      return next.build();
    });
    run.alerts.addAll(fresh);
    return fresh;
  }

  private void raise(KeyLogAlert alert) {
    log.warn("{} - key log alert {}: {}", self, alert.kind(), alert.message());
    listener.get().onKeyLogAlert(alert);
  }

  /** What one audit gathers. */
  private static final class Run {
    long checked;
    final List<KeyLogAlert> alerts = new ArrayList<>();
    final List<KeyLogAudit.OwnEntry> own = new ArrayList<>();
  }

  /** An entry for this account's number, and the alert it raises, if any. */
  private record Finding(KeyLogAudit.OwnEntry own, KeyLogAlert alert, ByteString bytes) {}

  /** A page folded in: the range after it, the root it started from when that still needs proving. */
  private record Folded(CompactRange range, byte[] startRoot, List<Finding> findings) {}
}
