package org.sealpost.transparency;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import org.sealpost.merkle.TreeHead;
import org.sealpost.protocol.KeyLogKey;
import org.sealpost.protocol.SignedTreeHead;
import org.sealpost.store.KeyLogStore;
import org.sealpost.store.proto.KeyLogSigningKey;

/**
 * The log's Ed25519 key pair: made by the first node that starts and kept in the store, so every
 * node of a cluster signs with the same key and clients pin one key per server. It is as secret as
 * the store itself; losing it means clients see a new log key, which they refuse.
 */
final class LogKey {
  private static final String ALGORITHM = "Ed25519";

  private final PrivateKey privateKey;
  private final KeyLogKey publicKey;

  private LogKey(PrivateKey privateKey, KeyLogKey publicKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
  }

  /** The stored key, or a new one stored now; key generation and parsing run off the event loop. */
  static Future<LogKey> load(Vertx vertx, KeyLogStore store) {
    return vertx.executeBlocking(LogKey::generate)
        .compose(candidate -> store.signingKey(candidate.toByteArray()))
        .compose(stored -> vertx.executeBlocking(() -> parse(stored)));
  }

  KeyLogKey publicKey() {
    return publicKey;
  }

  /** Signs the head; about a millisecond of CPU, so callers run it on a worker. */
  SignedTreeHead sign(long size, byte[] rootHash, long timestamp) {
    TreeHead head = new TreeHead(size, rootHash, timestamp);
    return SignedTreeHead.newBuilder()
        .setSize(size)
        .setRootHash(ByteString.copyFrom(rootHash))
        .setTimestamp(timestamp)
        .setSignature(ByteString.copyFrom(head.sign(privateKey)))
        .build();
  }

  private static KeyLogSigningKey generate() throws GeneralSecurityException {
    KeyPair pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
    return KeyLogSigningKey.newBuilder()
        .setPrivateKey(ByteString.copyFrom(pair.getPrivate().getEncoded()))
        .setPublicKey(ByteString.copyFrom(pair.getPublic().getEncoded()))
        .build();
  }

  private static LogKey parse(byte[] stored) throws InvalidProtocolBufferException, GeneralSecurityException {
    KeyLogSigningKey key = KeyLogSigningKey.parseFrom(stored);
    PrivateKey privateKey = KeyFactory.getInstance(ALGORITHM)
        .generatePrivate(new PKCS8EncodedKeySpec(key.getPrivateKey().toByteArray()));
    return new LogKey(privateKey, KeyLogKey.newBuilder().setPublicKey(key.getPublicKey()).build());
  }
}
