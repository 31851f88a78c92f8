package org.sealpost.accounts;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Device passwords: 192 random bits made by the server, stored as HMAC-SHA256 keyed with a
 * per-device random salt. A slow password KDF would add tens of milliseconds per login and
 * buys nothing for a secret of this entropy; comparison is constant-time.
 */
public final class Credentials {
  private static final int PASSWORD_BYTES = 24;
  private static final int SALT_BYTES = 16;

  private final SecureRandom random;

  public Credentials(SecureRandom random) {
    this.random = random;
  }

  public String newPassword() {
    byte[] bytes = new byte[PASSWORD_BYTES];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  public ByteString newSalt() {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    return ByteString.copyFrom(salt);
  }

  public static ByteString hash(ByteString salt, String password) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(salt.toByteArray(), "HmacSHA256"));
      return ByteString.copyFrom(mac.doFinal(password.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  public static boolean matches(ByteString salt, ByteString expectedHash, String password) {
    if (password == null || salt.isEmpty()) {
      return false;
    }
    return MessageDigest.isEqual(hash(salt, password).toByteArray(), expectedHash.toByteArray());
  }
}
