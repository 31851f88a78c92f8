package org.sealpost.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.protocol.ContentType;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.ErrorBody;
import org.sealpost.protocol.LinkCode;
import org.sealpost.protocol.OutgoingMessage;
import org.sealpost.protocol.Response;
import org.sealpost.protocol.Envelope;
import org.sealpost.protocol.SendMessageRequest;
import org.sealpost.protocol.SendMessageResponse;
import org.sealpost.testing.TestDevice;
import org.sealpost.testing.TestServer;

/** What a send must get right before anything is stored; each error is typed. */
class SendValidationTest {
  @TempDir Path dataDir;
  private TestServer server;
  private TestDevice alice;
  private DeviceCredentials bob;

  @BeforeEach
  void start() {
    server = new TestServer(dataDir);
    alice = server.device(server.register());
    bob = server.register();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void missingAndExtraDevicesAreListed() throws Exception {
    TestDevice bobPrimary = server.device(bob);
    LinkCode code = await(bobPrimary.connection().call("POST", "/v1/devices/link-code", Empty.getDefaultInstance(), LinkCode.parser()));
    await(server.rest().link(bob.getNumber(), code.getCode(), 5, "tablet"));

    Response response = await(alice.sendRaw(TestDevice.request(bob.getNumber(), List.of(1, 7), TestDevice.newMessageId(), "x", false)));

    assertThat(response.getStatus()).isEqualTo(409);
    ErrorBody error = ErrorBody.parseFrom(response.getBody());
    assertThat(error.getCode()).isEqualTo("MISMATCHED_DEVICES");
    assertThat(error.getMismatchedDevices().getMissingDevicesList()).containsExactly(2);
    assertThat(error.getMismatchedDevices().getExtraDevicesList()).containsExactly(7);
  }

  @Test
  void staleRegistrationIdsAreListed() throws Exception {
    int actual = 1 + Math.abs(bob.getNumber().hashCode() % 16000);
    SendMessageRequest request = SendMessageRequest.newBuilder().setMessageId(TestDevice.newMessageId())
        .setDestination(bob.getNumber()).addMessages(OutgoingMessage.newBuilder().setDeviceId(1)
            .setRegistrationId(actual == 1 ? 2 : 1).setType(ContentType.SIGNAL_MESSAGE).setContent(ByteString.copyFromUtf8("x")))
        .build();

    Response response = await(alice.sendRaw(request));

    assertThat(response.getStatus()).isEqualTo(410);
    assertThat(ErrorBody.parseFrom(response.getBody()).getStaleDevices().getStaleDevicesList()).containsExactly(1);
  }

  @Test
  void contentOverTheLimitIsTooLarge() throws Exception {
    SendMessageRequest request = SendMessageRequest.newBuilder().setMessageId(TestDevice.newMessageId())
        .setDestination(bob.getNumber()).addMessages(OutgoingMessage.newBuilder().setDeviceId(1)
            .setType(ContentType.SIGNAL_MESSAGE).setContent(ByteString.copyFrom(new byte[96 * 1024 + 1])))
        .build();

    Response response = await(alice.sendRaw(request));
    Response toNobody = await(alice.sendRaw(request.toBuilder().setDestination("+15559999999").build()));

    assertThat(response.getStatus()).isEqualTo(413);
    assertThat(ErrorBody.parseFrom(response.getBody()).getCode()).isEqualTo("TOO_LARGE");
    assertThat(toNobody.getStatus()).as("checked before the destination is looked up").isEqualTo(413);
  }

  @Test
  void emptyContentIsABadRequestThatStoresNothing() throws Exception {
    ByteString id = TestDevice.newMessageId();
    SendMessageRequest empty = SendMessageRequest.newBuilder().setMessageId(id).setDestination(bob.getNumber())
        .addMessages(OutgoingMessage.newBuilder().setDeviceId(1).setType(ContentType.SIGNAL_MESSAGE)).build();

    Response refused = await(alice.sendRaw(empty));
    Response toNobody = await(alice.sendRaw(empty.toBuilder().setDestination("+15559999999").build()));

    assertThat(refused.getStatus()).isEqualTo(400);
    assertThat(refused.getReason()).isEqualTo("content for device 1 is empty");
    assertThat(ErrorBody.parseFrom(refused.getBody()).getCode()).isEqualTo("BAD_REQUEST");
    assertThat(toNobody.getStatus()).as("checked before the destination is looked up").isEqualTo(400);
    assertCorrectedSendIsNew(id);
  }

  @Test
  void aDeviceListedTwiceIsABadRequestThatStoresNothing() throws Exception {
    ByteString id = TestDevice.newMessageId();
    OutgoingMessage copy = OutgoingMessage.newBuilder().setDeviceId(1).setType(ContentType.SIGNAL_MESSAGE)
        .setContent(ByteString.copyFromUtf8("same")).build();
    SendMessageRequest twice = SendMessageRequest.newBuilder().setMessageId(id).setDestination(bob.getNumber())
        .addMessages(copy).addMessages(copy).build();

    Response refused = await(alice.sendRaw(twice));
    Response toNobody = await(alice.sendRaw(twice.toBuilder().setDestination("+15559999999").build()));

    assertThat(refused.getStatus()).isEqualTo(400);
    assertThat(refused.getReason()).isEqualTo("device 1 appears twice");
    assertThat(ErrorBody.parseFrom(refused.getBody()).getCode()).isEqualTo("BAD_REQUEST");
    assertThat(toNobody.getStatus()).as("checked before the destination is looked up").isEqualTo(400);
    assertCorrectedSendIsNew(id);
  }

  /** After a refused send of {@code id}, the corrected one is new, and bob's queue holds it alone. */
  private void assertCorrectedSendIsNew(ByteString id) {
    SendMessageResponse corrected = alice.send(bob.getNumber(), List.of(1), id, "corrected");
    assertThat(corrected.getDuplicate()).as("the refused send did not take the message id").isFalse();
    TestDevice bobDevice = server.device(bob);
    bobDevice.awaitQueueEmpty(5);
    assertThat(bobDevice.take(bobDevice.inboxSize(), 1)).extracting(Envelope::getMessageId, e -> e.getContent().toStringUtf8())
        .containsExactly(org.assertj.core.groups.Tuple.tuple(id, "corrected@1"));
  }

  @Test
  void malformedSendsAreBadRequests() {
    Response shortId = await(alice.sendRaw(TestDevice.request(bob.getNumber(), List.of(1), ByteString.copyFromUtf8("short"), "x", false)));
    Response unknown = await(alice.sendRaw(TestDevice.request("+15559999999", List.of(1), TestDevice.newMessageId(), "x", false)));

    assertThat(shortId.getStatus()).isEqualTo(400);
    assertThat(unknown.getStatus()).isEqualTo(404);
  }

  @Test
  void ephemeralMessagesReachOnlyConnectedDevicesAndAreNeverStored() {
    Response whileOffline = await(alice.sendRaw(TestDevice.request(bob.getNumber(), List.of(1), TestDevice.newMessageId(), "typing", true)));
    TestDevice bobDevice = server.device(bob);
    bobDevice.awaitQueueEmpty(5);
    // a queued copy would have been delivered before the queue-empty signal
    assertThat(bobDevice.inboxSize()).as("nothing was queued while bob was offline").isZero();
    ByteString liveId = TestDevice.newMessageId();
    await(alice.sendRaw(TestDevice.request(bob.getNumber(), List.of(1), liveId, "typing", true)));
    ByteString control = TestDevice.newMessageId();
    alice.send(bob.getNumber(), List.of(1), control, "a stored message after it");

    assertThat(whileOffline.getStatus()).isEqualTo(200);
    var live = bobDevice.next();
    assertThat(live.getMessageId()).isEqualTo(liveId);
    assertThat(live.getEphemeral()).isTrue();
    assertThat(bobDevice.next().getMessageId()).as("the live one came once, not stored for later").isEqualTo(control);
  }
}
