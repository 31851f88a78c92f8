package org.sealpost.client;

import io.vertx.core.Future;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** Collects what a client reports, for a test thread to wait on with timeouts. */
final class RecordingListener implements ClientListener {
  private static final int WAIT_SECONDS = 15;

  private final BlockingQueue<IncomingMessage> messages = new LinkedBlockingQueue<>();
  private final BlockingQueue<Receipt> receipts = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> identityChanges = new LinkedBlockingQueue<>();
  private final BlockingQueue<org.sealpost.protocol.GroupEvent> groupEvents = new LinkedBlockingQueue<>();
  private final BlockingQueue<CallEvent> calls = new LinkedBlockingQueue<>();
  private final BlockingQueue<KeyLogAlert> keyLogAlerts = new LinkedBlockingQueue<>();
  private final CountDownLatch queueEmpty = new CountDownLatch(1);
  private volatile Function<IncomingMessage, Future<Void>> acceptance = message -> Future.succeededFuture();

  /** How the application answers messages from now on (default: accept each). */
  void acceptWith(Function<IncomingMessage, Future<Void>> answer) {
    this.acceptance = answer;
  }

  @Override
  public Future<Void> onMessage(IncomingMessage message) {
    Future<Void> answer = acceptance.apply(message);
    return answer.onSuccess(v -> messages.add(message));
  }

  @Override
  public void onReceipt(Receipt receipt) {
    receipts.add(receipt);
  }

  @Override
  public void onIdentityChanged(String number) {
    identityChanges.add(number);
  }

  @Override
  public void onGroupEvent(org.sealpost.protocol.GroupEvent event) {
    groupEvents.add(event);
  }

  @Override
  public void onCall(CallEvent event) {
    calls.add(event);
  }

  CallEvent nextCall() {
    return poll(calls, "call event");
  }

  /** True when no message arrives for {@code millis}. */
  boolean noMessageFor(long millis) throws InterruptedException {
    return messages.poll(millis, java.util.concurrent.TimeUnit.MILLISECONDS) == null;
  }

  /** True when no call event arrives for {@code millis}. */
  boolean noCallFor(long millis) throws InterruptedException {
    return calls.poll(millis, java.util.concurrent.TimeUnit.MILLISECONDS) == null;
  }

  @Override
  public void onKeyLogAlert(KeyLogAlert alert) {
    keyLogAlerts.add(alert);
  }

  KeyLogAlert nextKeyLogAlert() {
    return poll(keyLogAlerts, "key log alert");
  }

  /** The key-log alerts raised so far and not taken. */
  java.util.List<KeyLogAlert> keyLogAlerts() {
    return java.util.List.copyOf(keyLogAlerts);
  }

  @Override
  public void onQueueEmpty() {
    queueEmpty.countDown();
  }

  IncomingMessage nextMessage() {
    return poll(messages, "message");
  }

  Receipt nextReceipt() {
    return poll(receipts, "receipt");
  }

  org.sealpost.protocol.GroupEvent nextGroupEvent() {
    return poll(groupEvents, "group event");
  }

  String nextIdentityChange() {
    return poll(identityChanges, "identity change");
  }

  /** True when no message arrives for {@code millis}: only for asserting an absence. */
  boolean receivesNoMessageFor(long millis) {
    try {
      return messages.poll(millis, TimeUnit.MILLISECONDS) == null;
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  void awaitQueueEmpty() {
    try {
      if (!queueEmpty.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
        throw new AssertionError("no queue-empty marker within " + WAIT_SECONDS + " s");
      }
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static <T> T poll(BlockingQueue<T> queue, String what) {
    try {
      T next = queue.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      if (next == null) {
        throw new AssertionError("no " + what + " within " + WAIT_SECONDS + " s");
      }
      return next;
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
