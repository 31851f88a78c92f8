package org.sealpost.transparency;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.sealpost.api.DeviceKey;
import org.sealpost.api.PhoneNumbers;
import org.sealpost.errors.ErrorCode;
import org.sealpost.errors.SealpostException;
import org.sealpost.merkle.MerkleHash;
import org.sealpost.merkle.MerkleTree;
import org.sealpost.protocol.ConsistencyProof;
import org.sealpost.protocol.KeyLogEntries;
import org.sealpost.protocol.KeyLogEntry;
import org.sealpost.protocol.KeyLogKey;
import org.sealpost.protocol.LoggedKey;
import org.sealpost.protocol.SignedTreeHead;
import org.sealpost.store.KeyLogStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key log over a {@link KeyLogStore}: the store holds the entries, durable and in one order for
 * the whole cluster; this node holds the Merkle tree over them and each device's current entry in
 * memory (about 64 bytes per entry and, estimated, 250 per device), rebuilt from the store when it opens.
 *
 * <p>Appends and catch-ups with the store run one at a time per node ({@link #serially}); changes
 * that arrive while an append is under way go together in the next one (group commit: one store
 * write, one Paxos round on Cassandra, for many key changes). Every node appends at the size it
 * has read, and when another node took that index first it reads what won and tries again. A proof needs no store read while this node's current entry for the device
 * is the key being handed out: a head a little behind the cluster's is still a head of the same
 * log. Tree and map are read and changed under this object's lock, for microseconds at a time.
 */
public final class StoredKeyLog implements KeyLog {
  private static final Logger log = LoggerFactory.getLogger(StoredKeyLog.class);
  /** Entries per store read and per monitor page. */
  static final int PAGE = 1000;
  /** Appends lost to other nodes before an append gives up (each loss means the log moved on). */
  private static final int APPEND_ATTEMPTS = 20;
  /** Pages at least this long are hashed on a worker rather than on the caller's event loop. */
  private static final int HASH_INLINE_MAX = 32;

  private final Vertx vertx;
  private final KeyLogStore store;
  private final Clock clock;
  private final LogKey key;
  private final MerkleTree tree = new MerkleTree();
  private final Map<DeviceKey, Current> current = new HashMap<>();
  /** The tail of the queue of store operations: each starts when the one before ended. */
  private Future<Void> operations = Future.succeededFuture();
  /** Changes waiting for the next append, in the order they came. */
  private final List<Pending> pending = new ArrayList<>();
  /** Whether an append is queued or under way; it takes whatever waits when it starts. */
  private boolean appending;
  private volatile SignedTreeHead lastSigned;

  /** A device's latest entry. */
  private record Current(long index, byte[] entry, ByteString identityKey) {}

  /** A change to log, and who waits for it to be durable. */
  private record Pending(DeviceKey device, ByteString identityKey, Promise<Void> logged) {}

  private StoredKeyLog(Vertx vertx, KeyLogStore store, Clock clock, LogKey key) {
    this.vertx = vertx;
    this.store = store;
    this.clock = clock;
    this.key = key;
  }

  /** Loads (or makes) the log's key and reads the whole log into the tree. */
  public static Future<StoredKeyLog> open(Vertx vertx, KeyLogStore store, Clock clock) {
    return LogKey.load(vertx, store)
        .map(key -> new StoredKeyLog(vertx, store, clock, key))
        .compose(keyLog -> keyLog.serially(keyLog::catchUp).map(v -> {
          log.info("key log open: {} entries", keyLog.size());
          return keyLog;
        }));
  }

  @Override
  public Future<Void> record(DeviceKey device, ByteString identityKey) {
    Promise<Void> logged = Promise.promise();
    synchronized (this) {
      if (pending.isEmpty() && identityKey.equals(currentKey(device))) {
        return Future.succeededFuture();
      }
      pending.add(new Pending(device, identityKey, logged));
      if (!appending) {
        appending = true;
        serially(this::appendPending);
      }
    }
    return logged.future();
  }

  @Override
  public Future<ProvedKeys> prove(String number, Map<Integer, ByteString> keys) {
    Proofs proofs = proofs(number, keys);
    if (proofs.missing().isEmpty()) {
      return signed(proofs);
    }
    return serially(this::catchUp).compose(v -> {
      Proofs again = proofs(number, keys);
      if (!again.missing().isEmpty()) {
        log.error("key log: refusing to hand out keys of {} devices {}: not the keys the log holds",
            PhoneNumbers.redact(number), again.missing());
        return Future.failedFuture(new SealpostException(ErrorCode.UNAVAILABLE,
            "the key of device " + again.missing().get(0) + " is not in the key log yet; try again"));
      }
      return signed(again);
    });
  }

  @Override
  public Future<ProvedKeys> current(String number, List<Integer> deviceIds) {
    return serially(this::catchUp).compose(v -> {
      Map<Integer, ByteString> keys = new HashMap<>();
      synchronized (this) {
        for (int id : deviceIds) {
          Current entry = current.get(new DeviceKey(number, id));
          if (entry != null && !entry.identityKey().isEmpty()) {
            keys.put(id, entry.identityKey());
          }
        }
      }
      return signed(proofs(number, keys));
    });
  }

  @Override
  public Future<SignedTreeHead> head() {
    return serially(this::catchUp).compose(v -> {
      long size;
      byte[] root;
      synchronized (this) {
        size = tree.size();
        root = tree.root(size);
      }
      return sign(size, root);
    });
  }

  @Override
  public Future<ConsistencyProof> consistency(long oldSize, long newSize) {
    if (oldSize < 0 || oldSize > newSize) {
      return Future.failedFuture(SealpostException.badRequest("a consistency proof needs 0 <= old size <= new size"));
    }
    Future<Void> caughtUp = newSize <= size() ? Future.succeededFuture() : serially(this::catchUp);
    return caughtUp.compose(v -> {
      synchronized (this) {
        if (newSize > tree.size()) {
          return Future.failedFuture(SealpostException.notFound("the key log has " + tree.size() + " entries"));
        }
        return Future.succeededFuture(ConsistencyProof.newBuilder().setOldSize(oldSize).setNewSize(newSize)
            .addAllPath(hashes(tree.consistencyProof(oldSize, newSize))).build());
      }
    });
  }

  @Override
  public Future<KeyLogEntries> entries(long from) {
    if (from < 0) {
      return Future.failedFuture(SealpostException.badRequest("from must be 0 or more"));
    }
    return serially(this::catchUp).compose(v -> {
      long size;
      KeyLogEntries.Builder page = KeyLogEntries.newBuilder().setFrom(from);
      synchronized (this) {
        size = tree.size();
        if (from > size) {
          return Future.failedFuture(SealpostException.badRequest("the key log has " + size + " entries"));
        }
        page.addAllFrontier(hashes(tree.frontier(from)));
      }
      int wanted = (int) Math.min(PAGE, size - from);
      Future<List<byte[]>> read = wanted == 0 ? Future.succeededFuture(List.of()) : store.read(from, wanted);
      return read.compose(entries -> {
        long end = from + entries.size();
        byte[] root;
        synchronized (this) {
          root = tree.root(end);
        }
        entries.forEach(entry -> page.addEntries(ByteString.copyFrom(entry)));
        return sign(end, root).map(head -> page.setHead(head).build());
      });
    });
  }

  @Override
  public KeyLogKey publicKey() {
    return key.publicKey();
  }

  synchronized long size() {
    return tree.size();
  }

  /** The device's current key; empty when it has none (never had one, or is gone). */
  private ByteString currentKey(DeviceKey device) {
    Current now = current.get(device);
    return now == null ? ByteString.EMPTY : now.identityKey();
  }

  /**
   * Appends every change waiting, in one store write (group commit: what arrived while the last
   * write was under way goes in the next one), then queues itself again while more wait, so
   * catch-ups and proofs queued meanwhile run in between.
   */
  private Future<Void> appendPending() {
    List<Pending> batch;
    synchronized (this) {
      batch = new ArrayList<>(pending);
      pending.clear();
    }
    return appendChanges(batch, APPEND_ATTEMPTS).onComplete(done -> {
      for (Pending change : batch) {
        change.logged().handle(done);
      }
      synchronized (this) {
        if (pending.isEmpty()) {
          appending = false;
        } else {
          serially(this::appendPending);
        }
      }
    });
  }

  /** Appends what changes of {@code batch} the log does not hold yet, at the log's size. */
  private Future<Void> appendChanges(List<Pending> batch, int attemptsLeft) {
    return catchUp().compose(v -> {
      long index;
      List<byte[]> entries = new ArrayList<>();
      synchronized (this) {
        index = tree.size();
        Map<DeviceKey, ByteString> planned = new HashMap<>();
        long now = clock.millis();
        for (Pending change : batch) {
          ByteString before = planned.containsKey(change.device()) ? planned.get(change.device())
              : currentKey(change.device());
          if (!before.equals(change.identityKey())) {
            planned.put(change.device(), change.identityKey());
            entries.add(KeyLogEntry.newBuilder().setNumber(change.device().number())
                .setDeviceId(change.device().deviceId()).setIdentityKey(change.identityKey()).setLoggedAt(now)
                .build().toByteArray());
          }
        }
      }
      if (entries.isEmpty()) {
        return Future.succeededFuture();
      }
      return store.append(index, entries).compose(stored -> {
        if (stored > 0) {
          synchronized (this) {
            for (int i = 0; i < stored; i++) {
              apply(index + i, entries.get(i));
            }
          }
          // The store may take a prefix (a Cassandra partition ends): the rest goes next.
          return stored == entries.size() ? Future.succeededFuture() : appendChanges(batch, attemptsLeft);
        }
        if (attemptsLeft <= 1) {
          return Future.failedFuture(new SealpostException(ErrorCode.UNAVAILABLE, "the key log is busy; try again"));
        }
        return appendChanges(batch, attemptsLeft - 1);
      });
    });
  }

  /** Reads what the store holds beyond this node's tree into it, a page at a time. */
  private Future<Void> catchUp() {
    long from = size();
    return store.read(from, PAGE).compose(page -> {
      if (page.isEmpty()) {
        return Future.succeededFuture();
      }
      Future<Void> applied = page.size() < HASH_INLINE_MAX
          ? Future.succeededFuture(applyAll(from, page))
          : vertx.executeBlocking(() -> applyAll(from, page), false);
      return applied.compose(v -> page.size() < PAGE ? Future.succeededFuture() : catchUp());
    });
  }

  private synchronized Void applyAll(long from, List<byte[]> page) {
    for (int i = 0; i < page.size(); i++) {
      apply(from + i, page.get(i));
    }
    return null;
  }

  /** Adds the entry at {@code index} to the tree and to its device's current entry. */
  private void apply(long index, byte[] entry) {
    if (index != tree.size()) {
      throw new IllegalStateException("key log entry " + index + " applied to a tree of " + tree.size());
    }
    tree.append(MerkleHash.leaf(entry));
    try {
      KeyLogEntry parsed = KeyLogEntry.parseFrom(entry);
      current.put(new DeviceKey(parsed.getNumber(), parsed.getDeviceId()),
          new Current(index, entry, parsed.getIdentityKey()));
    } catch (InvalidProtocolBufferException e) {
      // The tree must hash what the store holds, so the entry stays in it; no device gets it.
      log.error("key log entry {} does not parse; it is in the tree but names no device", index, e);
    }
  }

  /** Entries and audit paths of the devices whose current entry holds the key asked for. */
  private record Proofs(long size, byte[] root, Map<Integer, LoggedKey> entries, List<Integer> missing) {}

  private synchronized Proofs proofs(String number, Map<Integer, ByteString> keys) {
    long size = tree.size();
    Map<Integer, LoggedKey> entries = new HashMap<>();
    List<Integer> missing = new ArrayList<>();
    keys.forEach((deviceId, identityKey) -> {
      Current entry = current.get(new DeviceKey(number, deviceId));
      if (entry == null || identityKey.isEmpty() || !entry.identityKey().equals(identityKey)) {
        missing.add(deviceId);
        return;
      }
      entries.put(deviceId, LoggedKey.newBuilder().setEntry(ByteString.copyFrom(entry.entry()))
          .setIndex(entry.index()).addAllAuditPath(hashes(tree.inclusionProof(entry.index(), size))).build());
    });
    return new Proofs(size, tree.root(size), entries, missing);
  }

  private Future<ProvedKeys> signed(Proofs proofs) {
    return sign(proofs.size(), proofs.root()).map(head -> new ProvedKeys(head, proofs.entries()));
  }

  /** The head of the tree at {@code size}: the last one signed when it is that size, else a new one. */
  private Future<SignedTreeHead> sign(long size, byte[] root) {
    SignedTreeHead last = lastSigned;
    if (last != null && last.getSize() == size) {
      return Future.succeededFuture(last);
    }
    return vertx.executeBlocking(() -> key.sign(size, root, clock.millis()), false)
        .onSuccess(head -> lastSigned = head);
  }

  /** Runs {@code operation} once every store operation queued before it has ended. */
  private synchronized <T> Future<T> serially(Supplier<Future<T>> operation) {
    Future<T> result = operations.transform(ignored -> operation.get());
    operations = result.transform(ignored -> Future.succeededFuture());
    return result;
  }

  private static List<ByteString> hashes(List<byte[]> proof) {
    List<ByteString> out = new ArrayList<>(proof.size());
    for (byte[] hash : proof) {
      out.add(ByteString.copyFrom(hash));
    }
    return out;
  }
}
