package org.sealpost.client;

import io.vertx.core.net.ClientOptionsBase;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;

/**
 * How a client speaks TLS to a server: trusting the JVM's certificate authorities, or one PEM
 * certificate (a self-signed development server, see scripts/dev-cert.sh). The host name is
 * always verified against the certificate.
 *
 * @param trustedCertificate a PEM certificate (or chain) to trust instead of the JVM's CAs; null for the JVM's
 */
public record ClientTls(Path trustedCertificate) {
  /** TLS with the JVM's trusted certificate authorities. */
  public static ClientTls systemTrust() {
    return new ClientTls(null);
  }

  /** TLS trusting exactly this PEM certificate. */
  public static ClientTls trusting(Path certificate) {
    return new ClientTls(certificate);
  }

  <T extends ClientOptionsBase> T applyTo(T options) {
    options.setSsl(true).setTrustAll(false);
    if (trustedCertificate != null) {
      options.setTrustOptions(new PemTrustOptions().addCertPath(trustedCertificate.toString()));
    }
    // Vert.x leaves host-name checks off for plain TCP clients unless asked.
    options.getSslOptions().setHostnameVerificationAlgorithm("HTTPS");
    return options;
  }
}
