package org.sealpost.client;

import com.google.protobuf.ByteString;
import io.vertx.core.Future;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.sealpost.client.proto.Content;
import org.sealpost.client.proto.KeyLogState;
import org.sealpost.merkle.MerkleProofs;
import org.sealpost.merkle.TreeHead;
import org.sealpost.protocol.ConsistencyProof;
import org.sealpost.protocol.SignedTreeHead;

/**
 * The key log's signed tree heads as this device verified them: each must be signed by the
 * pinned log key, and each must be consistent with the latest one kept (an RFC 9162 consistency
 * proof between the smaller and the larger, equal roots at equal sizes), so the log this device
 * sees only ever grows. The larger head becomes the latest, saved in {@link KeyLogStateFile}.
 * Any failure is a {@link KeyTransparencyException}: the server showed a forked log.
 *
 * <p>Used on the client's context; heads are advanced one at a time, in call order.
 */
final class KeyLogHeads {
  private final KeyLogStateFile state;
  private final LogKeyPin pin;
  private final CryptoWorker crypto;
  private final KeyLogServer server;
  /** The last advance handed in: the next starts once it completes, so the latest never races. */
  private Future<?> tail = Future.succeededFuture();
  /**
   * Heads already verified (signature and consistency with the latest), as sent: every message
   * of a contact carries the same head until the contact sees a newer one, and checking it again
   * would cost a signature check and a request per message.
   */
  private final Map<ByteString, Boolean> verified = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<ByteString, Boolean> eldest) {
      return size() > VERIFIED_HEADS;
    }
  };
  private static final int VERIFIED_HEADS = 64;

  KeyLogHeads(KeyLogStateFile state, LogKeyPin pin, CryptoWorker crypto, KeyLogServer server) {
    this.state = state;
    this.pin = pin;
    this.crypto = crypto;
    this.server = server;
  }

  /** Fetches the log's current head and advances to it; completes with the latest head. */
  Future<SignedTreeHead> refresh() {
    return server.head().compose(this::advance);
  }

  /**
   * Verifies {@code head} (signature, consistency with the latest) and keeps the larger of the
   * two as the latest; completes with the latest head after.
   */
  Future<SignedTreeHead> advance(SignedTreeHead head) {
    Future<SignedTreeHead> next = tail.transform(ignored -> advanceNow(head));
    tail = next;
    return next;
  }

  /**
   * Checks that {@code root} is the log's root at {@code size} (at most the latest head's size):
   * equal to the latest head's at its size, else proved its prefix by a consistency proof. How a
   * monitor trusts the frontier it starts from.
   */
  Future<Void> provePrefix(long size, byte[] root) {
    Future<Void> next = tail.transform(ignored -> crypto.run(this::latestOnWorker).compose(latest -> {
      SignedTreeHead known = latest.orElseThrow(() -> new KeyTransparencyException("no verified head of the log yet"));
      byte[] knownRoot = known.getRootHash().toByteArray();
      if (size == known.getSize()) {
        return MessageDigest.isEqual(root, knownRoot) ? Future.<Void>succeededFuture()
            : Future.failedFuture(forked(size, known.getSize()));
      }
      if (size > known.getSize()) {
        return Future.failedFuture(new KeyTransparencyException("the log has no verified head of size " + size));
      }
      return consistency(size, known.getSize()).compose(proof -> crypto.run(() -> {
        checkConsistency(proof, size, known.getSize(), root, knownRoot);
        return null;
      }));
    }));
    tail = next;
    return next;
  }

  /** {@code content} with the latest verified head, if any, for its recipient to compare. On the crypto worker. */
  Content stamp(Content content) {
    return latestOnWorker().map(head -> content.toBuilder().setKeyLogHead(head).build()).orElse(content);
  }

  /** The latest verified head. On the crypto worker. */
  Optional<SignedTreeHead> latestOnWorker() {
    KeyLogState current = state.get();
    return current.hasLatestHead() ? Optional.of(current.getLatestHead()) : Optional.empty();
  }

  /** The head as a {@link TreeHead}, its signature checked under {@code logKey}. */
  static TreeHead verified(SignedTreeHead head, PublicKey logKey) {
    TreeHead tree = treeHead(head);
    if (!tree.verify(head.getSignature().toByteArray(), logKey)) {
      throw new KeyTransparencyException("the log's head of size " + head.getSize()
          + " is not signed by the pinned log key");
    }
    return tree;
  }

  /** The head as a {@link TreeHead}, unverified; a malformed one is refused. */
  static TreeHead treeHead(SignedTreeHead head) {
    try {
      return new TreeHead(head.getSize(), head.getRootHash().toByteArray(), head.getTimestamp());
    } catch (IllegalArgumentException e) {
      throw new KeyTransparencyException("a head of the log is malformed (size " + head.getSize() + ")");
    }
  }

  private Future<SignedTreeHead> advanceNow(SignedTreeHead head) {
    // The whole head, signature included: one that differs in any byte is checked afresh.
    ByteString id = head.toByteString();
    if (verified.containsKey(id)) {
      return crypto.run(this::latestOnWorker).map(latest -> latest.orElse(head));
    }
    return verify(head).onSuccess(latest -> verified.put(id, Boolean.TRUE));
  }

  private Future<SignedTreeHead> verify(SignedTreeHead head) {
    return pin.key().compose(key -> crypto.run(() -> {
      verified(head, key);
      return latestOnWorker();
    })).compose(latest -> {
      if (latest.isEmpty()) {
        return crypto.run(() -> keepFirst(head));
      }
      SignedTreeHead known = latest.get();
      if (known.getSize() == head.getSize()) {
        return known.getRootHash().equals(head.getRootHash()) ? Future.succeededFuture(known)
            : Future.failedFuture(new KeyTransparencyException("the log forked: two heads of size " + head.getSize()
                + " have different roots"));
      }
      SignedTreeHead older = known.getSize() < head.getSize() ? known : head;
      SignedTreeHead newer = older == known ? head : known;
      return consistency(older.getSize(), newer.getSize()).compose(proof -> crypto.run(() -> {
        checkConsistency(proof, older.getSize(), newer.getSize(), older.getRootHash().toByteArray(),
            newer.getRootHash().toByteArray());
        return newer == head ? state.update(s -> s.toBuilder().setLatestHead(head).build()).getLatestHead() : known;
      }));
    });
  }

  /**
   * Keeps the first head this device verified; the monitor starts auditing at its size, unless
   * it already has a place (the log before it is not this device's business).
   */
  private SignedTreeHead keepFirst(SignedTreeHead head) {
    return state.update(s -> {
      KeyLogState.Builder next = s.toBuilder().setLatestHead(head);
      if (s.getAuditedSize() == 0 && s.getAuditedFrontierCount() == 0) {
        next.setAuditedSize(head.getSize());
      }
      return next.build();
    }).getLatestHead();
  }

  /**
   * The server's consistency proof between two sizes of heads it signed. Refusing one (4xx) is a
   * fork's proof as much as a bad one: an honest log can join any two heads it signed. A 5xx or a
   * network failure stays what it is, to be tried again.
   */
  private Future<ConsistencyProof> consistency(long oldSize, long newSize) {
    return server.consistency(oldSize, newSize).recover(err -> {
      if (err instanceof RequestFailedException refused && refused.status() >= 400 && refused.status() < 500) {
        return Future.failedFuture(new KeyTransparencyException("the log forked: it cannot prove head " + newSize
            + " consistent with head " + oldSize + " (" + refused.getMessage() + ")"));
      }
      return Future.failedFuture(err);
    });
  }

  private static void checkConsistency(ConsistencyProof proof, long oldSize, long newSize, byte[] oldRoot,
      byte[] newRoot) {
    boolean holds = proof.getOldSize() == oldSize && proof.getNewSize() == newSize
        && MerkleProofs.verifyConsistency(oldSize, newSize,
            proof.getPathList().stream().map(ByteString::toByteArray).toList(), oldRoot, newRoot);
    if (!holds) {
      throw forked(oldSize, newSize);
    }
  }

  private static KeyTransparencyException forked(long oldSize, long newSize) {
    return new KeyTransparencyException("the log forked: head " + newSize + " is not consistent with head " + oldSize);
  }
}
