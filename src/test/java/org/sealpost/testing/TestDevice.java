package org.sealpost.testing;

import static org.sealpost.testing.Await.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.sealpost.client.WireConnection;
import org.sealpost.protocol.ContentType;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.Envelope;
import org.sealpost.protocol.OutgoingMessage;
import org.sealpost.protocol.Request;
import org.sealpost.protocol.Response;
import org.sealpost.protocol.SendMessageRequest;
import org.sealpost.protocol.SendMessageResponse;

/**
 * An authenticated test device: collects every delivery in an inbox (acking each, unless
 * told not to), notices the queue-empty marker, and keeps any other server request (such as
 * PUT /v1/keys/low), answered 200, for {@link #nextRequest}.
 */
public final class TestDevice implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String DELIVERY_PATH = "/v1/message";

  private final DeviceCredentials credentials;
  private final WireConnection connection;
  private final BlockingQueue<Envelope> inbox = new LinkedBlockingQueue<>();
  private final BlockingQueue<Request> otherRequests = new LinkedBlockingQueue<>();
  private final CountDownLatch queueEmpty = new CountDownLatch(1);
  private final CountDownLatch closed = new CountDownLatch(1);
  private final AtomicInteger ackStatus = new AtomicInteger(200);
  /** Deliveries left unanswered while holding (a reader that never acks), with the context to answer them on. */
  private final List<Map.Entry<Context, Promise<Integer>>> held = new ArrayList<>();
  private static final int HOLD = -1;

  /** Authenticates {@code connection} as the device; deliveries go to this inbox. */
  public TestDevice(DeviceCredentials credentials, WireConnection connection) {
    this.credentials = credentials;
    this.connection = connection;
    connection.onClose(closed::countDown).onRequest(request -> {
      if (request.getPath().equals("/v1/queue/empty")) {
        queueEmpty.countDown();
        return Future.succeededFuture(200);
      }
      if (!request.getPath().equals(DELIVERY_PATH)) {
        otherRequests.add(request);
        return Future.succeededFuture(200);
      }
      try {
        inbox.add(Envelope.parseFrom(request.getBody()));
      } catch (InvalidProtocolBufferException e) {
        return Future.succeededFuture(400);
      }
      synchronized (held) {
        if (ackStatus.get() == HOLD) {
          Promise<Integer> answer = Promise.promise();
          held.add(Map.entry(Vertx.currentContext(), answer));
          return answer.future();
        }
      }
      return Future.succeededFuture(ackStatus.get());
    });
    await(connection.authenticate(credentials.getNumber(), credentials.getDeviceId(), credentials.getPassword()));
  }

  public DeviceCredentials credentials() {
    return credentials;
  }

  public String number() {
    return credentials.getNumber();
  }

  public int deviceId() {
    return credentials.getDeviceId();
  }

  public WireConnection connection() {
    return connection;
  }

  /** Answer deliveries with this status from now on (200 acks; anything else leaves them queued). */
  public void answerDeliveriesWith(int status) {
    ackStatus.set(status);
  }

  /** Leave deliveries unanswered from now on, as a reader that never acks would, until {@link #answerHeld}. */
  public void holdDeliveries() {
    ackStatus.set(HOLD);
  }

  /** Answers the deliveries held so far with {@code status}, and those to come. */
  public void answerHeld(int status) {
    List<Map.Entry<Context, Promise<Integer>>> answering;
    synchronized (held) {
      ackStatus.set(status);
      answering = List.copyOf(held);
      held.clear();
    }
    answering.forEach(entry -> entry.getKey().runOnContext(v -> entry.getValue().complete(status)));
  }

  /** Deliveries received and not taken yet. */
  public int inboxSize() {
    return inbox.size();
  }

  public static ByteString newMessageId() {
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    return ByteString.copyFrom(id);
  }

  /** Sends one opaque "ciphertext" to the given devices of {@code to}. */
  public SendMessageResponse send(String to, List<Integer> devices, ByteString messageId, String content) {
    return await(sendAsync(to, devices, messageId, content));
  }

  /** As {@link #send}, marked as the client's first attempt with this id, as the SDK marks it. */
  public SendMessageResponse sendFirstAttempt(String to, List<Integer> devices, ByteString messageId, String content) {
    return await(connection.call("PUT", "/v1/messages",
        request(to, devices, messageId, content, false).toBuilder().setFirstAttempt(true).build(),
        SendMessageResponse.parser()));
  }

  public Future<SendMessageResponse> sendAsync(String to, List<Integer> devices, ByteString messageId, String content) {
    return connection.call("PUT", "/v1/messages", request(to, devices, messageId, content, false),
        SendMessageResponse.parser());
  }

  public Future<Response> sendRaw(SendMessageRequest request) {
    return connection.request("PUT", "/v1/messages", request);
  }

  public static SendMessageRequest request(String to, List<Integer> devices, ByteString messageId, String content,
      boolean ephemeral) {
    SendMessageRequest.Builder request = SendMessageRequest.newBuilder().setMessageId(messageId).setDestination(to)
        .setTimestamp(System.currentTimeMillis()).setEphemeral(ephemeral);
    for (int device : devices) {
      request.addMessages(OutgoingMessage.newBuilder().setDeviceId(device).setType(ContentType.SIGNAL_MESSAGE)
          .setContent(ByteString.copyFromUtf8(content + "@" + device)));
    }
    return request.build();
  }

  /** The next delivery, or fails the test after {@code seconds}. */
  public Envelope next(int seconds) {
    try {
      Envelope envelope = inbox.poll(seconds, TimeUnit.SECONDS);
      if (envelope == null) {
        throw new AssertionError(credentials.getNumber() + "." + credentials.getDeviceId()
            + " received nothing within " + seconds + " s");
      }
      return envelope;
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  public Envelope next() {
    return next(10);
  }

  /**
   * Takes deliveries until receipts of {@code type} among them name every one of {@code
   * messageIds} (the server may put several ids in one receipt: acks that arrived together);
   * returns all it took.
   */
  public List<Envelope> takeReceipts(Envelope.Type type, Collection<ByteString> messageIds, int seconds) {
    List<Envelope> taken = new ArrayList<>();
    Set<ByteString> missing = new HashSet<>(messageIds);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!missing.isEmpty()) {
      Envelope envelope = next((int) Math.max(1, TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime())));
      if (envelope.getType() == type) {
        envelope.getReceiptMessageIdsList().forEach(missing::remove);
      }
      taken.add(envelope);
    }
    return taken;
  }

  /** Takes {@code count} deliveries in arrival order. */
  public List<Envelope> take(int count, int seconds) {
    List<Envelope> taken = new ArrayList<>(count);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (taken.size() < count) {
      long left = deadline - System.nanoTime();
      try {
        Envelope envelope = inbox.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
        if (envelope == null) {
          throw new AssertionError("received " + taken.size() + " of " + count + " within " + seconds + " s");
        }
        taken.add(envelope);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
    return taken;
  }

  /** True when nothing more arrives for {@code millis}: used only to assert an absence. */
  public boolean receivesNothingFor(long millis) {
    try {
      return inbox.poll(millis, TimeUnit.MILLISECONDS) == null;
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The next server request other than a delivery or the queue-empty marker, or fails after {@code seconds}. */
  public Request nextRequest(int seconds) {
    try {
      Request request = otherRequests.poll(seconds, TimeUnit.SECONDS);
      if (request == null) {
        throw new AssertionError(credentials.getNumber() + "." + credentials.getDeviceId()
            + " received no server request within " + seconds + " s");
      }
      return request;
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The next server request on {@code path}, skipping (and dropping) others; fails after {@code seconds}. */
  public Request nextRequest(String path, int seconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    try {
      while (true) {
        Request request = otherRequests.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (request == null) {
          throw new AssertionError(credentials.getNumber() + "." + credentials.getDeviceId()
              + " received no " + path + " within " + seconds + " s");
        }
        if (request.getPath().equals(path)) {
          return request;
        }
      }
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** True when no server request other than a delivery arrives for {@code millis}: for asserting an absence. */
  public boolean receivesNoRequestFor(long millis) {
    try {
      return otherRequests.poll(millis, TimeUnit.MILLISECONDS) == null;
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  public void awaitQueueEmpty(int seconds) {
    try {
      if (!queueEmpty.await(seconds, TimeUnit.SECONDS)) {
        throw new AssertionError("no queue-empty marker within " + seconds + " s");
      }
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  public boolean isQueueEmptySeen() {
    return queueEmpty.getCount() == 0;
  }

  public void awaitClosed(int seconds) {
    try {
      if (!closed.await(seconds, TimeUnit.SECONDS)) {
        throw new AssertionError("connection still open after " + seconds + " s");
      }
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (!connection.isClosed()) {
      await(connection.close());
    }
  }
}
