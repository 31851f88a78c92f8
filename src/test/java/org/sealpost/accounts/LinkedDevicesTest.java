package org.sealpost.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;
import static org.sealpost.testing.Await.failure;

import com.google.protobuf.Empty;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.client.RequestFailedException;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.DeviceList;
import org.sealpost.protocol.LinkCode;
import org.sealpost.protocol.Response;
import org.sealpost.testing.TestDevice;
import org.sealpost.testing.TestServer;
import org.sealpost.testing.TestServer.Transport;

class LinkedDevicesTest {
  @TempDir Path dataDir;
  private TestServer server;
  private DeviceCredentials primaryCredentials;
  private TestDevice primary;

  @BeforeEach
  void start() {
    server = new TestServer(dataDir);
    primaryCredentials = server.register();
    primary = server.device(primaryCredentials);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private DeviceCredentials link(String name) {
    LinkCode code = await(primary.connection().call("POST", "/v1/devices/link-code", Empty.getDefaultInstance(), LinkCode.parser()));
    return await(server.rest().link(primary.number(), code.getCode(), 99, name));
  }

  @Test
  void linkedDeviceAuthenticatesAndIsListed() {
    DeviceCredentials laptop = link("laptop");

    TestDevice linked = server.device(laptop, Transport.WEBSOCKET);
    DeviceList devices = await(primary.connection().call("GET", "/v1/devices", Empty.getDefaultInstance(), DeviceList.parser()));

    assertThat(laptop.getDeviceId()).isEqualTo(2);
    assertThat(linked.deviceId()).isEqualTo(2);
    assertThat(devices.getDevicesList()).extracting(d -> d.getDeviceId() + ":" + d.getName())
        .containsExactly("1:test", "2:laptop");
  }

  @Test
  void removedDeviceIsDisconnectedAndCannotAuthenticate() {
    DeviceCredentials laptop = link("laptop");
    TestDevice linked = server.device(laptop);

    Response removed = await(primary.connection().request("DELETE", "/v1/devices/2", Empty.getDefaultInstance()));

    assertThat(removed.getStatus()).isEqualTo(200);
    linked.awaitClosed(5);
    Throwable error = failure(server.connect(Transport.TCP).authenticate(laptop.getNumber(), 2, laptop.getPassword()));
    assertThat(((RequestFailedException) error).status()).isEqualTo(401);
    await(server.connect(Transport.TCP).authenticate(primaryCredentials.getNumber(), 1, primaryCredentials.getPassword()));
  }

  @Test
  void linkCodeIsSingleUseAndOnlyThePrimaryMakesOne() {
    LinkCode code = await(primary.connection().call("POST", "/v1/devices/link-code", Empty.getDefaultInstance(), LinkCode.parser()));
    DeviceCredentials laptop = await(server.rest().link(primary.number(), code.getCode(), 99, "laptop"));

    Throwable reuse = failure(server.rest().link(primary.number(), code.getCode(), 99, "tablet"));
    Response fromLinked = await(server.device(laptop).connection().request("POST", "/v1/devices/link-code", Empty.getDefaultInstance()));

    assertThat(((RequestFailedException) reuse).status()).isEqualTo(403);
    assertThat(fromLinked.getStatus()).isEqualTo(403);
  }

  @Test
  void atMostFiveDevicesAndIdsAreNeverReused() {
    for (int i = 2; i <= 5; i++) {
      assertThat(link("device " + i).getDeviceId()).isEqualTo(i);
    }
    LinkCode code = await(primary.connection().call("POST", "/v1/devices/link-code", Empty.getDefaultInstance(), LinkCode.parser()));
    Throwable sixth = failure(server.rest().link(primary.number(), code.getCode(), 99, "sixth"));
    assertThat(((RequestFailedException) sixth).status()).isEqualTo(403);

    await(primary.connection().request("DELETE", "/v1/devices/3", Empty.getDefaultInstance()));
    DeviceCredentials replacement = link("replacement");

    assertThat(replacement.getDeviceId()).isEqualTo(6);
  }

  @Test
  void aLinkedDeviceCannotRemoveAnotherButCanRemoveItself() {
    TestDevice laptop = server.device(link("laptop"));
    link("tablet");

    Response other = await(laptop.connection().request("DELETE", "/v1/devices/3", Empty.getDefaultInstance()));
    Response primaryRemoval = await(laptop.connection().request("DELETE", "/v1/devices/1", Empty.getDefaultInstance()));
    Response itself = await(laptop.connection().request("DELETE", "/v1/devices/2", Empty.getDefaultInstance()));

    assertThat(other.getStatus()).isEqualTo(403);
    assertThat(primaryRemoval.getStatus()).isEqualTo(403);
    assertThat(itself.getStatus()).isEqualTo(200);
  }
}
