package org.sealpost.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.api.DeviceKey;
import org.sealpost.protocol.Envelope;
import org.sealpost.protocol.Response;
import org.sealpost.store.MessageQueueStore;
import org.sealpost.store.embedded.EmbeddedDatabase;
import org.sealpost.store.embedded.EmbeddedMessageQueueStore;

/**
 * One device's delivery, step by step: the queue is a real embedded store whose reads are held
 * until the test lets each one complete, so the interleavings that the gateway's timing makes
 * rare under load can be set up exactly.
 */
class DeviceDeliveryTest {
  private static final DeviceKey BOB = new DeviceKey("+15550002222", 1);
  private static final long ACK_TIMEOUT = Duration.ofSeconds(30).toNanos();

  @TempDir Path dir;
  private final Vertx vertx = Vertx.vertx();
  private EmbeddedDatabase db;
  private MessageQueueStore queue;
  /** Reads the delivery started, each held until {@link #completeRead}. */
  private final Queue<HeldRead> reads = new ArrayDeque<>();
  private final SilentClient client = new SilentClient();
  private final UnackedBytes node = new UnackedBytes(1024 * 1024);
  private DeviceDelivery delivery;

  /** What the store read, and the future the delivery waits on (completed from the test thread, so it runs there). */
  private record HeldRead(Future<List<Envelope>> result, Promise<List<Envelope>> release) {}

  @BeforeEach
  void open() {
    db = EmbeddedDatabase.open(vertx, dir);
    EmbeddedMessageQueueStore real = new EmbeddedMessageQueueStore(db);
    queue = (MessageQueueStore) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {MessageQueueStore.class}, (proxy, method, args) -> {
          Object result;
          try {
            result = method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (!method.getName().equals("read")) {
            return result;
          }
          HeldRead read = new HeldRead(cast(result), Promise.promise());
          reads.add(read);
          return read.release().future();
        });
    delivery = new DeviceDelivery(BOB, queue, 10, 1024 * 1024, node, ACK_TIMEOUT, client);
  }

  @AfterEach
  void close() {
    db.close();
    await(vertx.close());
  }

  @Test
  void aDeviceParkedWhileItsQueueWasReadTakesNothingFromThatRead() {
    List<Envelope> stored = await(queue.append(List.of(envelope("a"), envelope("b"), envelope("c"))));
    delivery.start();
    completeRead();
    assertThat(client.deliveries()).extracting(Envelope::getSeq).containsExactlyElementsOf(seqs(stored));

    // More arrives out of order (a hint lost), so the delivery reads its queue; the client stays silent.
    List<Envelope> more = await(queue.append(List.of(envelope("d"), envelope("e"))));
    delivery.onLive(more.get(1));
    assertThat(reads).hasSize(1);
    assertThat(delivery.checkStalled(System.nanoTime() + ACK_TIMEOUT)).isEqualTo(DeviceDelivery.Stall.PARKED);
    assertThat(node.held()).as("credit held once parked").isZero();

    completeRead();
    assertThat(client.deliveries()).as("deliveries after parking").hasSize(stored.size());
    assertThat(node.held()).as("credit held by a parked device").isZero();

    // Once the client answers it gets the rest, in order.
    client.answerAll(200);
    completeRead();
    assertThat(client.deliveries()).extracting(Envelope::getSeq)
        .containsExactlyElementsOf(seqs(Stream.concat(stored.stream(), more.stream()).toList()));
    assertThat(client.acked()).hasSize(stored.size());
  }

  @Test
  void aConnectionClosedBeforeItsDeviceAnsweredAMessageOwesItAWake() {
    await(queue.append(List.of(envelope("a"), receipt())));
    delivery.start();
    completeRead();
    assertThat(client.deliveries()).hasSize(2);
    client.answerAll(200);
    assertThat(delivery.owesWake()).as("everything answered").isFalse();

    // A receipt left unanswered is not worth a wake-up; a message is.
    Envelope late = await(queue.append(List.of(receipt()))).get(0);
    delivery.onLive(late);
    delivery.stop();
    client.failAll();
    assertThat(delivery.owesWake()).as("an unanswered receipt").isFalse();

    DeviceDelivery next = new DeviceDelivery(BOB, queue, 10, 1024 * 1024, node, ACK_TIMEOUT, client);
    next.start();
    completeRead();
    client.answerAll(200); // what the first connection never acked, answered on this one
    Envelope message = await(queue.append(List.of(envelope("b")))).get(0);
    next.onLive(message);
    assertThat(client.deliveries()).extracting(Envelope::getSeq).endsWith(message.getSeq());
    next.stop();
    client.failAll();
    assertThat(next.owesWake()).as("a message written and never answered").isTrue();
  }

  @Test
  void aMessageHintedWhileTheQueueWasReadIsOwedIfTheConnectionClosesFirst() {
    await(queue.append(List.of(envelope("a"))));
    delivery.start();
    // The hint finds a read in flight: the message waits for the next read, which never comes.
    Envelope message = await(queue.append(List.of(envelope("b")))).get(0);
    delivery.onLive(message);
    delivery.stop();
    completeRead();
    assertThat(client.deliveries()).as("nothing written once stopped").isEmpty();
    assertThat(delivery.owesWake()).isTrue();
  }

  private static Envelope receipt() {
    return envelope("receipt").toBuilder().setType(Envelope.Type.DELIVERY_RECEIPT).build();
  }

  /** Lets the oldest held read complete; the delivery takes its batch on this thread. */
  private void completeRead() {
    HeldRead read = reads.remove();
    read.release().complete(await(read.result()));
  }

  private static Envelope envelope(String content) {
    return Envelope.newBuilder().setType(Envelope.Type.MESSAGE).setMessageId(ByteString.copyFromUtf8("id-" + content))
        .setSource("+15550001111").setSourceDevice(1).setDestination(BOB.number()).setDestinationDevice(BOB.deviceId())
        .setServerTimestamp(1).setContent(ByteString.copyFromUtf8(content)).build();
  }

  private static List<Long> seqs(List<Envelope> envelopes) {
    return envelopes.stream().map(Envelope::getSeq).toList();
  }

  @SuppressWarnings("unchecked")
  private static <T> Future<T> cast(Object future) {
    return (Future<T>) future;
  }

  /** A client that takes every delivery and answers only when told to. */
  private final class SilentClient implements DeliveryConnection {
    private final List<Envelope> delivered = new ArrayList<>();
    private final List<Promise<Response>> unanswered = new ArrayList<>();
    private final List<Envelope> acked = new ArrayList<>();

    @Override
    public boolean writable() {
      return true;
    }

    @Override
    public Vertx vertx() {
      return vertx;
    }

    @Override
    public Future<Response> request(String verb, String path, Message body) {
      try {
        delivered.add(Envelope.parseFrom(body.toByteString()));
      } catch (InvalidProtocolBufferException e) {
        throw new AssertionError(e);
      }
      Promise<Response> answer = Promise.promise();
      unanswered.add(answer);
      return answer.future();
    }

    @Override
    public void notify(String verb, String path, Message body) {
    }

    @Override
    public void delivered() {
    }

    @Override
    public void acknowledge(Envelope envelope) {
      acked.add(envelope);
    }

    List<Envelope> deliveries() {
      return delivered;
    }

    List<Envelope> acked() {
      return acked;
    }

    /** The connection closed: every request still waiting fails, as {@link Connection} fails them. */
    void failAll() {
      List<Promise<Response>> failing = List.copyOf(unanswered);
      unanswered.clear();
      failing.forEach(answer -> answer.fail("connection closed"));
    }

    void answerAll(int status) {
      List<Promise<Response>> answering = List.copyOf(unanswered);
      unanswered.clear();
      answering.forEach(answer -> answer.complete(Response.newBuilder().setStatus(status).build()));
    }
  }
}
