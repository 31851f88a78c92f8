package org.sealpost.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;
import static org.sealpost.testing.Await.failure;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sealpost.client.RequestFailedException;
import org.sealpost.client.WireConnection;
import org.sealpost.protocol.AuthRequest;
import org.sealpost.protocol.AuthResponse;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.Envelope;
import org.sealpost.protocol.ErrorBody;
import org.sealpost.protocol.Frame;
import org.sealpost.protocol.Request;
import org.sealpost.protocol.Response;
import org.sealpost.protocol.SendMessageRequest;
import org.sealpost.testing.RawFrameSocket;
import org.sealpost.testing.TestDevice;
import org.sealpost.testing.TestServer;
import org.sealpost.testing.TestServer.Transport;

class AuthenticationTest {
  @TempDir Path dataDir;
  private TestServer server;

  @BeforeEach
  void start() {
    server = new TestServer(dataDir);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void registeredDeviceAuthenticatesAndIsServed(Transport transport) {
    DeviceCredentials credentials = server.register();
    WireConnection connection = server.connect(transport);

    AuthResponse auth = await(connection.authenticate(credentials.getNumber(), 1, credentials.getPassword()));
    Response keepalive = await(connection.request("GET", "/v1/keepalive", com.google.protobuf.Empty.getDefaultInstance()));

    assertThat(auth.getNumber()).isEqualTo(credentials.getNumber());
    assertThat(auth.getDeviceId()).isEqualTo(1);
    assertThat(keepalive.getStatus()).isEqualTo(200);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void wrongPasswordIsRejectedAndClosed(Transport transport) throws Exception {
    DeviceCredentials credentials = server.register();
    WireConnection connection = server.connect(transport);
    CompletableFuture<Void> closed = new CompletableFuture<>();
    connection.onClose(() -> closed.complete(null));

    Throwable error = failure(connection.authenticate(credentials.getNumber(), 1, credentials.getPassword() + "x"));

    assertThat(error).isInstanceOf(RequestFailedException.class);
    assertThat(((RequestFailedException) error).status()).isEqualTo(401);
    assertThat(((RequestFailedException) error).error().getCode()).isEqualTo("UNAUTHORIZED");
    closed.get(5, TimeUnit.SECONDS);
  }

  /**
   * A wrong password, an unknown device and an unknown number get one and the same answer, on the
   * login's own id, and then the connection ends: no id-0 response comes before the close.
   */
  @Test
  void failedLoginIsAnsweredOnItsOwnIdThenTheConnectionCloses() throws Exception {
    DeviceCredentials credentials = server.register();
    List<AuthRequest> logins = List.of(
        auth(credentials.getNumber(), 1, credentials.getPassword() + "x"),
        auth(credentials.getNumber(), 2, credentials.getPassword()),
        auth("+15559999999", 1, credentials.getPassword()));
    for (AuthRequest login : logins) {
      try (RawFrameSocket raw = RawFrameSocket.connect(server.server().tcpPort(), 0)) {
        raw.writeFrame(request(41, "PUT", "/v1/auth", login));
        raw.flush();

        Frame answer = raw.nextFrame();
        assertThat(answer).as("answer to %s", login).isNotNull();
        assertThat(answer.hasResponse()).isTrue();
        assertThat(answer.getResponse().getId()).as("the login's id").isEqualTo(41);
        assertThat(answer.getResponse().getStatus()).isEqualTo(401);
        assertThat(answer.getResponse().getReason()).isEqualTo("invalid credentials");
        ErrorBody error = ErrorBody.parseFrom(answer.getResponse().getBody());
        assertThat(error.getCode()).isEqualTo("UNAUTHORIZED");
        assertThat(error.getMessage()).isEqualTo("invalid credentials");
        assertThat(raw.nextFrame()).as("closed after the answer, with nothing more").isNull();
      }
    }
  }

  /** A second login on an authenticated connection is refused; the connection stays, as the first device. */
  @ParameterizedTest
  @EnumSource(Transport.class)
  void secondLoginOnAnAuthenticatedConnectionIsABadRequestAndChangesNothing(Transport transport) throws Exception {
    TestDevice alice = server.device(server.register(), transport);
    TestDevice bob = server.device(server.register(), transport);

    Response again = await(alice.connection().request("PUT", "/v1/auth",
        auth(bob.number(), bob.deviceId(), bob.credentials().getPassword())));

    assertThat(again.getStatus()).isEqualTo(400);
    assertThat(again.getReason()).isEqualTo("already authenticated");
    assertThat(ErrorBody.parseFrom(again.getBody()).getCode()).isEqualTo("BAD_REQUEST");
    // Still open and still alice: a message from it reaches bob as alice's.
    ByteString id = TestDevice.newMessageId();
    alice.send(bob.number(), List.of(1), id, "still alice");
    Envelope received = bob.next();
    assertThat(received.getMessageId()).isEqualTo(id);
    assertThat(received.getSource()).isEqualTo(alice.number());
    assertThat(alice.connection().isClosed()).isFalse();
  }

  private static AuthRequest auth(String number, int deviceId, String password) {
    return AuthRequest.newBuilder().setNumber(number).setDeviceId(deviceId).setPassword(password).build();
  }

  private static byte[] request(long id, String verb, String path, com.google.protobuf.Message body) {
    return Frame.newBuilder().setRequest(Request.newBuilder().setId(id).setVerb(verb).setPath(path)
        .setBody(body.toByteString())).build().toByteArray();
  }

  @Test
  void unknownNumberAndUnknownDeviceAreRejected() {
    DeviceCredentials credentials = server.register();

    Throwable unknownDevice = failure(server.connect(Transport.TCP).authenticate(credentials.getNumber(), 2, credentials.getPassword()));
    Throwable unknownNumber = failure(server.connect(Transport.TCP).authenticate("+15559999999", 1, "whatever"));

    assertThat(((RequestFailedException) unknownDevice).status()).isEqualTo(401);
    assertThat(((RequestFailedException) unknownNumber).status()).isEqualTo(401);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void requestBeforeAuthenticationIsRejectedAndClosed(Transport transport) throws Exception {
    server.register();
    WireConnection connection = server.connect(transport);
    CompletableFuture<Void> closed = new CompletableFuture<>();
    connection.onClose(() -> closed.complete(null));

    Response response = await(connection.request("PUT", "/v1/messages", SendMessageRequest.getDefaultInstance()));

    assertThat(response.getStatus()).isEqualTo(401);
    closed.get(5, TimeUnit.SECONDS);
  }

  @Test
  void connectionThatNeverAuthenticatesIsClosedAfterTheTimeout(@TempDir Path otherDir) throws Exception {
    try (TestServer strict = new TestServer(otherDir, config -> config.withGateway(
        config.gateway().withTimeouts(java.time.Duration.ofMillis(300), config.gateway().idleTimeout())))) {
      WireConnection connection = strict.connect(Transport.TCP);
      CompletableFuture<Response> error = new CompletableFuture<>();
      CompletableFuture<Void> closed = new CompletableFuture<>();
      connection.onConnectionError(error::complete).onClose(() -> closed.complete(null));

      closed.get(5, TimeUnit.SECONDS);
      assertThat(error.get(1, TimeUnit.SECONDS).getStatus()).isEqualTo(401);
    }
  }

  @Test
  void httpRoutesTakeBasicCredentials() {
    DeviceCredentials credentials = server.register();
    DeviceCredentials wrong = credentials.toBuilder().setPassword("nope").build();

    var devices = await(server.rest().call(io.vertx.core.http.HttpMethod.GET, "/v1/devices", credentials,
        com.google.protobuf.Empty.getDefaultInstance(), org.sealpost.protocol.DeviceList.parser()));
    Throwable rejected = failure(server.rest().call(io.vertx.core.http.HttpMethod.GET, "/v1/devices", wrong,
        com.google.protobuf.Empty.getDefaultInstance(), org.sealpost.protocol.DeviceList.parser()));
    Throwable anonymous = failure(server.rest().call(io.vertx.core.http.HttpMethod.GET, "/v1/devices", null,
        com.google.protobuf.Empty.getDefaultInstance(), org.sealpost.protocol.DeviceList.parser()));

    assertThat(devices.getDevicesList()).extracting(d -> d.getDeviceId()).containsExactly(1);
    assertThat(((RequestFailedException) rejected).status()).isEqualTo(401);
    assertThat(((RequestFailedException) anonymous).status()).isEqualTo(401);
  }
}
