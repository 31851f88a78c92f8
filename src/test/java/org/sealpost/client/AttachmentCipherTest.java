package org.sealpost.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AttachmentCipherTest {
  @TempDir Path dir;
  private final SecureRandom random = new SecureRandom();

  private Path file(String name, int size) throws IOException {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return Files.write(dir.resolve(name), bytes);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 15, 16, 541, 542, 65_536, 1_000_003})
  void decryptsWhatItEncrypted(int size) throws Exception {
    Path plain = file("plain", size);
    Path blob = dir.resolve("blob");
    Path out = dir.resolve("out");

    AttachmentCipher.Encrypted encrypted = AttachmentCipher.encrypt(plain, blob, random);
    AttachmentCipher.decrypt(blob, out, encrypted.key(), encrypted.digest(), encrypted.plaintextSize());

    assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(plain));
    assertThat(encrypted.blobSize()).isEqualTo(Files.size(blob));
    assertThat(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(blob))).isEqualTo(encrypted.digest());
    // padded: the blob hides the exact size (at least 541 bytes, then 5 % steps)
    assertThat(encrypted.blobSize()).isGreaterThanOrEqualTo(16 + 541 + 32).isGreaterThan(size + 48L - 1);
  }

  @Test
  void alteredBlobIsRefusedAndNothingIsWritten() throws Exception {
    Path plain = file("plain", 100_000);
    Path blob = dir.resolve("blob");
    AttachmentCipher.Encrypted encrypted = AttachmentCipher.encrypt(plain, blob, random);
    byte[] bytes = Files.readAllBytes(blob);
    bytes[50_000] ^= 0x01;
    Files.write(blob, bytes);
    Path out = dir.resolve("out");

    assertThatThrownBy(() -> AttachmentCipher.decrypt(blob, out, encrypted.key(), encrypted.digest(), 100_000))
        .isInstanceOf(AttachmentIntegrityException.class);
    assertThat(out).doesNotExist();
  }

  @Test
  void blobWithAValidDigestButAForgedMacIsRefused() throws Exception {
    // an attacker who knows the blob but not the key rewrites it and gives a matching digest
    Path plain = file("plain", 10_000);
    Path blob = dir.resolve("blob");
    AttachmentCipher.Encrypted encrypted = AttachmentCipher.encrypt(plain, blob, random);
    byte[] bytes = Files.readAllBytes(blob);
    bytes[100] ^= 0x01;
    Files.write(blob, bytes);
    byte[] forgedDigest = MessageDigest.getInstance("SHA-256").digest(bytes);

    assertThatThrownBy(() -> AttachmentCipher.decrypt(blob, dir.resolve("out"), encrypted.key(), forgedDigest, 10_000))
        .isInstanceOf(AttachmentIntegrityException.class).hasMessageContaining("MAC");
  }

  @Test
  void wrongKeyIsRefused() throws Exception {
    Path blob = dir.resolve("blob");
    AttachmentCipher.Encrypted encrypted = AttachmentCipher.encrypt(file("plain", 5_000), blob, random);
    byte[] otherKey = new byte[AttachmentCipher.KEY_BYTES];
    random.nextBytes(otherKey);

    assertThatThrownBy(() -> AttachmentCipher.decrypt(blob, dir.resolve("out"), otherKey, encrypted.digest(), 5_000))
        .isInstanceOf(AttachmentIntegrityException.class);
  }
}
