package org.sealpost.push;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * Compact JWS signing with JDK crypto only: ES256 (APNs provider tokens; the JWS signature is raw
 * R||S, which the JDK's P1363 format gives directly instead of DER) and RS256 (Google OAuth2
 * service-account assertions).
 */
final class Jwt {
  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

  private Jwt() {}

  static String es256(PrivateKey key, JsonObject header, JsonObject claims) {
    return sign("SHA256withECDSAinP1363Format", key, header.copy().put("alg", "ES256"), claims);
  }

  static String rs256(PrivateKey key, JsonObject header, JsonObject claims) {
    return sign("SHA256withRSA", key, header.copy().put("alg", "RS256").put("typ", "JWT"), claims);
  }

  private static String sign(String algorithm, PrivateKey key, JsonObject header, JsonObject claims) {
    String signingInput = URL.encodeToString(header.encode().getBytes(StandardCharsets.UTF_8)) + "."
        + URL.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
    try {
      Signature signature = Signature.getInstance(algorithm);
      signature.initSign(key);
      signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + URL.encodeToString(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a JWT with " + algorithm + ": " + e.getMessage(), e);
    }
  }

  /** A PKCS#8 PEM private key ("BEGIN PRIVATE KEY", as Apple's .p8 and Google's JSON hold it). */
  static PrivateKey pkcs8(String pem, String keyAlgorithm) {
    String base64 = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
    try {
      return KeyFactory.getInstance(keyAlgorithm).generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not a PKCS#8 " + keyAlgorithm + " private key: " + e.getMessage(), e);
    }
  }
}
