package org.sealpost.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;
import static org.sealpost.testing.Await.failure;

import com.google.protobuf.Empty;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.client.RequestFailedException;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.DeviceList;
import org.sealpost.protocol.Envelope;
import org.sealpost.protocol.LinkCode;
import org.sealpost.protocol.Response;
import org.sealpost.testing.RawFrameSocket;
import org.sealpost.testing.TestDevice;
import org.sealpost.testing.TestServer;

/**
 * Mallory, a registered user, tries what an attacker would: acknowledging other people's
 * deliveries, sending as someone else, using her password with other identities, removing
 * other accounts' devices. Each attempt fails and leaves the victims' data as it was.
 */
class AuthorizationTest {
  @TempDir Path dataDir;
  private TestServer server;
  private DeviceCredentials bob;
  private TestDevice mallory;

  @BeforeEach
  void start() {
    server = new TestServer(dataDir);
    bob = server.register();
    mallory = server.device(server.register());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aDeviceCannotAcknowledgeAnotherDevicesQueue() throws Exception {
    TestDevice alice = server.device(server.register());
    for (int i = 0; i < 5; i++) {
      alice.send(bob.getNumber(), List.of(bob.getDeviceId()), TestDevice.newMessageId(), "for bob " + i);
    }
    // Mallory answers 200 to every request id a server could have used, on her own connection.
    try (RawFrameSocket raw = RawFrameSocket.connect(server.server().tcpPort(), 0)) {
      DeviceCredentials malloryDevice = server.register();
      assertThat(raw.authenticate(malloryDevice)).isEqualTo(200);
      for (long id = 0; id < 200; id++) {
        raw.answer(id, 200);
      }
      raw.request("GET", "/v1/keepalive", Empty.getDefaultInstance());
      raw.flush();
      assertThat(raw.nextResponse().getStatus()).isEqualTo(200);
    }

    TestDevice bobOnline = server.device(bob);
    assertThat(bobOnline.take(5, 10)).extracting(e -> e.getContent().toStringUtf8())
        .containsExactly("for bob 0@1", "for bob 1@1", "for bob 2@1", "for bob 3@1", "for bob 4@1");
  }

  @Test
  void messagesAlwaysCarryTheAuthenticatedSender() {
    TestDevice bobOnline = server.device(bob);

    mallory.send(bob.getNumber(), List.of(bob.getDeviceId()), TestDevice.newMessageId(), "hello");

    Envelope received = bobOnline.next(10);
    assertThat(received.getSource()).isEqualTo(mallory.number());
    assertThat(received.getSourceDevice()).isEqualTo(mallory.deviceId());
  }

  @Test
  void aPasswordOpensOnlyItsOwnDevice() {
    String password = mallory.credentials().getPassword();

    Throwable asBob = failure(server.connect(TestServer.Transport.TCP).authenticate(bob.getNumber(), 1, password));
    Throwable asHerOtherDevice = failure(server.connect(TestServer.Transport.TCP)
        .authenticate(mallory.number(), 2, password));
    DeviceCredentials bobWithHerPassword = DeviceCredentials.newBuilder(bob).setPassword(password).build();
    Throwable overHttp = failure(server.rest().call(HttpMethod.GET, "/v1/devices", bobWithHerPassword,
        Empty.getDefaultInstance(), DeviceList.parser()));

    assertThat(((RequestFailedException) asBob).status()).isEqualTo(401);
    assertThat(((RequestFailedException) asHerOtherDevice).status()).isEqualTo(401);
    assertThat(((RequestFailedException) overHttp).status()).isEqualTo(401);
  }

  @Test
  void aDeviceCannotRemoveOrLinkDevicesOfAnotherAccount() {
    TestDevice bobPrimary = server.device(bob);
    LinkCode code = await(bobPrimary.connection().call("POST", "/v1/devices/link-code", Empty.getDefaultInstance(),
        LinkCode.parser()));
    DeviceCredentials bobLaptop = await(server.rest().link(bob.getNumber(), code.getCode(), 77, "laptop"));

    // Device ids are per account: mallory's request names her own (absent) device 2.
    Response removal = await(mallory.connection().request("DELETE", "/v1/devices/" + bobLaptop.getDeviceId(),
        Empty.getDefaultInstance()));
    // A link code is bound to the account that made it: mallory's code cannot add a device to bob.
    LinkCode malloryCode = await(mallory.connection().call("POST", "/v1/devices/link-code", Empty.getDefaultInstance(),
        LinkCode.parser()));
    Throwable linkToBob = failure(server.rest().link(bob.getNumber(), malloryCode.getCode(), 78, "intruder"));

    assertThat(removal.getStatus()).isEqualTo(404);
    assertThat(((RequestFailedException) linkToBob).status()).isEqualTo(403);
    DeviceList devices = await(bobPrimary.connection().call("GET", "/v1/devices", Empty.getDefaultInstance(),
        DeviceList.parser()));
    assertThat(devices.getDevicesList()).extracting(d -> d.getDeviceId()).containsExactly(1, 2);
    await(server.connect(TestServer.Transport.TCP).authenticate(bob.getNumber(), bobLaptop.getDeviceId(),
        bobLaptop.getPassword()));
  }
}
