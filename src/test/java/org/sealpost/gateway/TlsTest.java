package org.sealpost.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;
import static org.sealpost.testing.Await.failure;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.client.ClientTls;
import org.sealpost.client.RestClient;
import org.sealpost.client.WireConnection;
import org.sealpost.config.GatewayConfig.TlsConfig;
import org.sealpost.protocol.AuthRequest;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.Envelope;
import org.sealpost.testing.RawFrameSocket;
import org.sealpost.testing.TestDevice;
import org.sealpost.testing.TestServer;

/**
 * TLS listeners with a certificate from configuration (made by scripts/dev-cert.sh): frames over
 * TLS TCP and wss, REST over https, plaintext switched off, and clients that must not get in.
 */
class TlsTest {
  @TempDir static Path certDir;
  @TempDir Path dataDir;
  private static Path cert;
  private static Path otherCert;
  private TestServer server;

  @BeforeAll
  static void makeCertificates() throws Exception {
    cert = devCert(certDir.resolve("server"));
    otherCert = devCert(certDir.resolve("other"));
  }

  private static Path devCert(Path dir) throws Exception {
    Process process = new ProcessBuilder("bash", "scripts/dev-cert.sh", dir.toString()).inheritIO().start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("scripts/dev-cert.sh exit status").isZero();
    assertThat(dir.resolve("key.pem")).exists();
    return dir.resolve("cert.pem");
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /**
   * A self-signed pair for {@code subjectAltName} alone (dev-cert.sh always adds localhost); after
   * dev-cert.sh has run, so openssl is there.
   */
  private static Path certFor(Path dir, String subjectAltName) throws Exception {
    Files.createDirectories(dir);
    Process process = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
        "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=chat.example.org", "-addext",
        "subjectAltName=" + subjectAltName, "-keyout", dir.resolve("key.pem").toString(), "-out",
        dir.resolve("cert.pem").toString()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("openssl: " + output).isZero();
    return dir.resolve("cert.pem");
  }

  private void start(boolean plaintext) {
    start(plaintext, cert);
  }

  private void start(boolean plaintext, Path cert) {
    TlsConfig tls = new TlsConfig(true, cert.toString(), cert.resolveSibling("key.pem").toString(), 0, 0);
    server = new TestServer(dataDir, config -> config.withGateway(config.gateway().withTls(plaintext, tls)));
  }

  private DeviceCredentials registerOverHttps() {
    RestClient https = new RestClient(server.clients(), URI.create("https://localhost:" + server.server().tlsHttpPort()),
        ClientTls.trusting(cert));
    String number = TestServer.newNumber();
    String session = await(https.requestCode(number)).getSessionId();
    return await(https.verify(number, session, TestServer.TEST_CODE, 4242, "tls"));
  }

  @Test
  void framesTravelOverTlsTcpAndSecureWebSocket() {
    start(true);
    ClientTls trust = ClientTls.trusting(cert);
    TestDevice alice = new TestDevice(registerOverHttps(),
        await(WireConnection.tcp(server.clients(), "localhost", server.server().tlsTcpPort(), trust)));
    TestDevice bob = new TestDevice(registerOverHttps(),
        await(WireConnection.webSocket(server.clients(), "localhost", server.server().tlsHttpPort(), trust)));

    alice.send(bob.number(), List.of(bob.deviceId()), TestDevice.newMessageId(), "over tls");
    assertThat(bob.next(10).getContent().toStringUtf8()).isEqualTo("over tls@" + bob.deviceId());
    assertThat(alice.next(10).getType()).isEqualTo(Envelope.Type.DELIVERY_RECEIPT);

    bob.send(alice.number(), List.of(alice.deviceId()), TestDevice.newMessageId(), "over wss");
    assertThat(alice.next(10).getContent().toStringUtf8()).isEqualTo("over wss@" + alice.deviceId());
    assertThat(server.server().tcpPort()).as("plaintext still on when configured").isPositive();
  }

  @Test
  void clientsThatDoNotTrustTheCertificateOrSpeakPlaintextAreRefused() throws Exception {
    start(true);
    int tlsTcp = server.server().tlsTcpPort();

    Throwable untrusted = failure(WireConnection.tcp(server.clients(), "localhost", tlsTcp, ClientTls.trusting(otherCert)));
    Throwable systemTrust = failure(WireConnection.webSocket(server.clients(), "localhost", server.server().tlsHttpPort(),
        ClientTls.systemTrust()));

    assertThat(untrusted).isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
    assertThat(systemTrust).isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
    // The TLS port speaks only TLS: a plaintext login with valid credentials gets no frame back,
    // only a TLS alert record (content type 21) or the end of the stream; over TLS it gets in.
    DeviceCredentials device = registerOverHttps();
    try (RawFrameSocket plaintext = RawFrameSocket.connect(tlsTcp, 0)) {
      plaintext.request("PUT", "/v1/auth", AuthRequest.newBuilder().setNumber(device.getNumber())
          .setDeviceId(device.getDeviceId()).setPassword(device.getPassword()).build());
      plaintext.flush();
      assertThat(plaintext.readByte()).as("a TLS alert or a close, not a frame's length").isIn(-1, 21);
      assertThat(plaintext.drainsToClose()).isTrue();
    }
    WireConnection overTls = await(WireConnection.tcp(server.clients(), "localhost", tlsTcp, ClientTls.trusting(cert)));
    assertThat(await(overTls.authenticate(device.getNumber(), device.getDeviceId(), device.getPassword())).getNumber())
        .isEqualTo(device.getNumber());
  }

  /**
   * The SDK checks the server's name against its certificate (docs/security.md): a certificate it
   * trusts, issued for another name, is refused over TLS TCP, wss and https alike.
   */
  @Test
  void aTrustedCertificateForAnotherNameIsRefused() throws Exception {
    Path elsewhere = certFor(certDir.resolve("elsewhere"), "DNS:chat.example.org");
    start(true, elsewhere);
    ClientTls trust = ClientTls.trusting(elsewhere);
    RestClient https = new RestClient(server.clients(),
        URI.create("https://localhost:" + server.server().tlsHttpPort()), trust);

    List<Throwable> refusals = List.of(
        failure(WireConnection.tcp(server.clients(), "localhost", server.server().tlsTcpPort(), trust)),
        failure(WireConnection.webSocket(server.clients(), "localhost", server.server().tlsHttpPort(), trust)),
        failure(https.requestCode(TestServer.newNumber())));

    for (Throwable refused : refusals) {
      assertThat(refused).isInstanceOf(javax.net.ssl.SSLHandshakeException.class)
          .hasRootCauseInstanceOf(java.security.cert.CertificateException.class);
      assertThat(refused).rootCause().hasMessageContaining("localhost");
    }
  }

  @Test
  void plaintextListenersCanBeSwitchedOff() {
    start(false);

    assertThat(server.server().tcpPort()).isEqualTo(-1);
    assertThat(server.server().httpPort()).isEqualTo(-1);
    TestDevice alice = new TestDevice(registerOverHttps(), await(WireConnection.tcp(server.clients(), "localhost",
        server.server().tlsTcpPort(), ClientTls.trusting(cert))));
    TestDevice bob = new TestDevice(registerOverHttps(), await(WireConnection.tcp(server.clients(), "localhost",
        server.server().tlsTcpPort(), ClientTls.trusting(cert))));
    alice.send(bob.number(), List.of(bob.deviceId()), TestDevice.newMessageId(), "tls only");
    assertThat(bob.next(10).getContent().toStringUtf8()).isEqualTo("tls only@" + bob.deviceId());
  }
}
