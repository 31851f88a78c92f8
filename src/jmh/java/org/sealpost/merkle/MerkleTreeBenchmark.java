package org.sealpost.merkle;

import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The key log's tree at 10^6 entries (#25): an append, a root, the inclusion proof a key fetch
 * carries and its check on the client, a consistency proof between two heads and its check, and a
 * tree head's signature and its check. Entries are generated (a number, a device, a 33-byte key).
 * Run: {@code scripts/bench-jmh.sh MerkleTree}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = "-Xmx2g")
public class MerkleTreeBenchmark {
  @Param({"1000000"})
  int entries;

  private MerkleTree tree;
  private byte[] root;
  private long oldSize;
  private byte[] oldRoot;
  private List<byte[]> consistency;
  private long provedIndex;
  private List<byte[]> inclusion;
  private KeyPair logKey;
  private TreeHead head;
  private byte[] headSignature;

  @Setup
  public void setUp() throws Exception {
    tree = new MerkleTree();
    for (int i = 0; i < entries; i++) {
      tree.append(MerkleHash.leaf(entry(i)));
    }
    root = tree.root(entries);
    oldSize = entries - 12_345;
    oldRoot = tree.root(oldSize);
    consistency = tree.consistencyProof(oldSize, entries);
    provedIndex = entries / 3;
    inclusion = tree.inclusionProof(provedIndex, entries);
    logKey = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    head = new TreeHead(entries, root, 1_700_000_000_000L);
    headSignature = head.sign(logKey.getPrivate());
    System.out.printf("%n%d entries: inclusion proof %d hashes (%d bytes), consistency proof %d -> %d: %d hashes (%d bytes)%n",
        entries, inclusion.size(), inclusion.size() * MerkleHash.SIZE, oldSize, entries, consistency.size(),
        consistency.size() * MerkleHash.SIZE);
  }

  /** A generated binding: number, device id, a 33-byte identity key (type byte and 32 bytes). */
  private static byte[] entry(long i) {
    return ByteBuffer.allocate(8 + 4 + 33).putLong(15_550_000_000L + i).putInt(1).put((byte) 5)
        .putLong(i * 0x9E3779B97F4A7C15L).array();
  }

  @Benchmark
  public long append() {
    return tree.append(MerkleHash.leaf(entry(tree.size())));
  }

  @Benchmark
  public byte[] rootOfTheLatestSize() {
    return tree.root(tree.size());
  }

  @Benchmark
  public List<byte[]> inclusionProof() {
    return tree.inclusionProof(ThreadLocalRandom.current().nextLong(entries), entries);
  }

  @Benchmark
  public boolean verifyInclusion() {
    return MerkleProofs.verifyInclusion(tree.leaf(provedIndex), provedIndex, entries, inclusion, root);
  }

  @Benchmark
  public List<byte[]> consistencyProof() {
    return tree.consistencyProof(oldSize, entries);
  }

  @Benchmark
  public boolean verifyConsistency() {
    return MerkleProofs.verifyConsistency(oldSize, entries, consistency, oldRoot, root);
  }

  @Benchmark
  public byte[] signTreeHead() {
    return head.sign(logKey.getPrivate());
  }

  @Benchmark
  public boolean verifyTreeHead() {
    return head.verify(headSignature, logKey.getPublic());
  }
}
