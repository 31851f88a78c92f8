package org.sealpost.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;

import com.google.protobuf.ByteString;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sealpost.api.DeviceKey;
import org.sealpost.bus.Addresses;
import org.sealpost.bus.Codecs;
import org.sealpost.bus.proto.DeviceEvent;
import org.sealpost.bus.proto.PushRequest;
import org.sealpost.protocol.Envelope;
import org.sealpost.store.embedded.InMemorySessionDirectory;

/**
 * The router's side of a connection closing while a message is on its way to it: whatever the
 * order, the device is either handed the message or woken, never neither.
 */
class RouterTest {
  private static final DeviceKey ALICE = new DeviceKey("+15550001111", 1);
  private static final DeviceKey BOB = new DeviceKey("+15550003333", 1);
  private static final int WAIT = 10;

  private final Vertx vertx = Vertx.vertx();
  private final InMemorySessionDirectory sessions = new InMemorySessionDirectory();
  private final LocalDevices local = new LocalDevices();
  private final Router router = new Router(vertx, "node-a", sessions, local, Duration.ofSeconds(1));
  private final Promise<PushRequest> pushed = Promise.promise();

  RouterTest() {
    Codecs.register(vertx.eventBus());
    vertx.eventBus().<PushRequest>localConsumer(Addresses.PUSH_NOTIFY, message -> pushed.tryComplete(message.body()));
  }

  @AfterEach
  void close() {
    await(vertx.close());
  }

  @Test
  void aMessageThatReachesAConnectionClosedMeanwhileWakesTheDevice() {
    await(sessions.register(ALICE, "node-a"));
    Context context = vertx.getOrCreateContext();
    Promise<Void> refused = Promise.promise();
    LocalDevices.Endpoint closing = new LocalDevices.Endpoint() {
      @Override
      public Context context() {
        return context;
      }

      @Override
      public Future<Boolean> onEvent(DeviceEvent event) {
        // It closed between the router's offer and this task: out of the node, out of the directory.
        local.remove(ALICE, this);
        sessions.unregister(ALICE, "node-a");
        refused.complete();
        return Future.succeededFuture(false);
      }
    };
    local.claim(ALICE, closing);

    router.deliver(message());

    await(refused.future(), WAIT);
    PushRequest push = await(pushed.future(), WAIT);
    assertThat(push.getNumber()).isEqualTo(ALICE.number());
    assertThat(push.getDeviceId()).isEqualTo(ALICE.deviceId());
  }

  @Test
  void aDeviceWhoseConnectionClosedOwingItAMessageIsWokenUnlessItIsBack() {
    await(sessions.register(BOB, "node-b")); // reconnected on another node: that connection reads its queue
    router.wake(BOB);
    router.wake(ALICE);
    // Pushes from one thread arrive in order, so had Bob been pushed his would be first.
    PushRequest push = await(pushed.future(), WAIT);
    assertThat(push.getNumber()).isEqualTo(ALICE.number());
  }

  private static Envelope message() {
    return Envelope.newBuilder().setType(Envelope.Type.MESSAGE).setSeq(1).setMessageId(ByteString.copyFromUtf8("m1"))
        .setSource("+15550002222").setSourceDevice(1).setDestination(ALICE.number())
        .setDestinationDevice(ALICE.deviceId()).setServerTimestamp(1).setContent(ByteString.copyFromUtf8("hi")).build();
  }
}
