package org.sealpost.client;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Attachment encryption as Signal does it: a fresh 64-byte key per file (AES-256 key, HMAC-SHA256
 * key); the plaintext is zero-padded to a size bucket (Signal's: at least 541 bytes, then steps
 * of 5 %, so the server learns only the rough size), encrypted with AES-256-CBC/PKCS#7 under a
 * random IV, and authenticated with HMAC-SHA256 over IV || ciphertext. The blob is
 * {@code IV(16) || ciphertext || MAC(32)}; its SHA-256 (the digest) travels in the E2EE message.
 *
 * <p>Decryption checks digest and MAC over the whole blob before it decrypts a byte (so a
 * tampered blob yields no output), then decrypts and cuts the padding at the size from the
 * pointer. Both directions stream between files with bounded memory; they block, so the SDK
 * runs them on a worker thread.
 */
public final class AttachmentCipher {
  public static final int KEY_BYTES = 64;
  private static final int IV_BYTES = 16;
  private static final int MAC_BYTES = 32;
  private static final int CHUNK = 64 * 1024;

  /** What encryption produced: the blob's digest and length, and the key. */
  public record Encrypted(byte[] key, byte[] digest, long plaintextSize, long blobSize) {}

  private AttachmentCipher() {}

  /** Padded plaintext size for {@code size} bytes. */
  static long paddedSize(long size) {
    return Math.max(541, (long) Math.floor(Math.pow(1.05, Math.ceil(Math.log(Math.max(1, size)) / Math.log(1.05)))));
  }

  /** Encrypts {@code plaintext} into {@code blob} with a fresh key. */
  public static Encrypted encrypt(Path plaintext, Path blob, SecureRandom random) throws IOException {
    byte[] key = new byte[KEY_BYTES];
    byte[] iv = new byte[IV_BYTES];
    random.nextBytes(key);
    random.nextBytes(iv);
    long size = Files.size(plaintext);
    try {
      Cipher aes = Cipher.getInstance("AES/CBC/PKCS5Padding");
      aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, 0, 32, "AES"), new IvParameterSpec(iv));
      Mac mac = hmac(key);
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      long written = 0;
      try (InputStream in = new BufferedInputStream(Files.newInputStream(plaintext), CHUNK);
          OutputStream out = new BufferedOutputStream(Files.newOutputStream(blob), CHUNK)) {
        written += emit(out, iv, mac, sha);
        byte[] buffer = new byte[CHUNK];
        long read = 0;
        for (int n = in.read(buffer); n >= 0 && read < size; n = in.read(buffer)) {
          int take = (int) Math.min(n, size - read);
          read += take;
          written += emit(out, aes.update(buffer, 0, take), mac, sha);
        }
        if (read != size) {
          throw new IOException(plaintext + " changed while it was encrypted");
        }
        Arrays.fill(buffer, (byte) 0);
        for (long pad = paddedSize(size) - size; pad > 0; pad -= CHUNK) {
          written += emit(out, aes.update(buffer, 0, (int) Math.min(CHUNK, pad)), mac, sha);
        }
        written += emit(out, aes.doFinal(), mac, sha);
        byte[] tag = mac.doFinal();
        out.write(tag);
        sha.update(tag);
        written += tag.length;
      }
      return new Encrypted(key, sha.digest(), size, written);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-CBC/HMAC-SHA256 unavailable", e);
    }
  }

  /**
   * Checks {@code blob} against {@code digest} and its MAC, then writes the {@code size}
   * plaintext bytes to {@code plaintext}. Throws {@link AttachmentIntegrityException} (writing
   * nothing) when the blob was altered.
   */
  public static void decrypt(Path blob, Path plaintext, byte[] key, byte[] digest, long size) throws IOException {
    if (key.length != KEY_BYTES) {
      throw new AttachmentIntegrityException("attachment key must be " + KEY_BYTES + " bytes");
    }
    long length = Files.size(blob);
    if (length < IV_BYTES + 16 + MAC_BYTES || (length - IV_BYTES - MAC_BYTES) % 16 != 0
        || length - IV_BYTES - MAC_BYTES < size) {
      throw new AttachmentIntegrityException("attachment has an impossible length");
    }
    try {
      verify(blob, length, key, digest);
      byte[] iv = new byte[IV_BYTES];
      Cipher aes = Cipher.getInstance("AES/CBC/PKCS5Padding");
      try (InputStream in = new BufferedInputStream(Files.newInputStream(blob), CHUNK);
          OutputStream out = new BufferedOutputStream(Files.newOutputStream(plaintext), CHUNK)) {
        if (in.readNBytes(iv, 0, IV_BYTES) != IV_BYTES) {
          throw new AttachmentIntegrityException("attachment truncated");
        }
        aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, 0, 32, "AES"), new IvParameterSpec(iv));
        long remaining = length - IV_BYTES - MAC_BYTES;
        long[] left = {size};
        byte[] buffer = new byte[CHUNK];
        while (remaining > 0) {
          int n = in.read(buffer, 0, (int) Math.min(CHUNK, remaining));
          if (n < 0) {
            throw new AttachmentIntegrityException("attachment truncated");
          }
          remaining -= n;
          keep(out, aes.update(buffer, 0, n), left);
        }
        keep(out, aes.doFinal(), left);
        if (left[0] != 0) {
          throw new AttachmentIntegrityException("attachment shorter than its declared size");
        }
      }
    } catch (GeneralSecurityException e) {
      throw new AttachmentIntegrityException("attachment does not decrypt: " + e.getClass().getSimpleName());
    }
  }

  /** Digest over the whole blob and MAC over all but its last 32 bytes, in one pass. */
  private static void verify(Path blob, long length, byte[] key, byte[] digest) throws IOException, GeneralSecurityException {
    Mac mac = hmac(key);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] tag = new byte[MAC_BYTES];
    try (InputStream in = new BufferedInputStream(Files.newInputStream(blob), CHUNK)) {
      byte[] buffer = new byte[CHUNK];
      long macked = length - MAC_BYTES;
      long position = 0;
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        sha.update(buffer, 0, n);
        int toMac = (int) Math.max(0, Math.min(n, macked - position));
        mac.update(buffer, 0, toMac);
        for (int i = toMac; i < n; i++) {
          tag[(int) (position + i - macked)] = buffer[i];
        }
        position += n;
      }
    }
    boolean digestOk = MessageDigest.isEqual(sha.digest(), digest);
    boolean macOk = MessageDigest.isEqual(mac.doFinal(), tag);
    if (!digestOk || !macOk) {
      throw new AttachmentIntegrityException("attachment was altered: " + (digestOk ? "MAC" : "digest") + " mismatch");
    }
  }

  private static void keep(OutputStream out, byte[] bytes, long[] left) throws IOException {
    if (bytes == null) {
      return;
    }
    int n = (int) Math.min(bytes.length, left[0]);
    out.write(bytes, 0, n);
    left[0] -= n;
  }

  private static long emit(OutputStream out, byte[] bytes, Mac mac, MessageDigest sha) throws IOException {
    if (bytes == null || bytes.length == 0) {
      return 0;
    }
    out.write(bytes);
    mac.update(bytes);
    sha.update(bytes);
    return bytes.length;
  }

  private static Mac hmac(byte[] key) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, 32, 32, "HmacSHA256"));
    return mac;
  }
}
