package org.sealpost.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.sealpost.client.ClientListener;
import org.sealpost.client.IncomingMessage;
import org.sealpost.client.MessageId;
import org.sealpost.client.Receipt;
import org.sealpost.client.SealpostClient;

/**
 * {@code one-to-one --crypto signal}: the same open-loop load as {@link OneToOneScenario}, sent
 * by real SDK clients: libsignal sessions (PQXDH on first contact, then the double ratchet),
 * each message encrypted by its sender and decrypted by its recipient, keys fetched and
 * refilled through the server. The load generator's crypto shares the machine with the server.
 */
final class SignalOneToOneScenario {
  private final Vertx vertx;
  private final BenchOptions options;
  private final OneToOneTally<MessageId> tally = new OneToOneTally<>();
  private volatile String firstError;

  SignalOneToOneScenario(Vertx vertx, BenchOptions options) {
    this.vertx = vertx;
    this.options = options;
  }

  /**
   * Registers (keys made and uploaded) and connects one SDK client per number, 10 at a time;
   * client i on node i mod N.
   */
  Future<List<SealpostClient>> connect(List<NodeAddress> nodes, Path stateRoot, List<String> numbers,
      String code) {
    return AccountSetUp.inBatches(numbers.size(), 10, i -> {
      String number = numbers.get(i);
      NodeAddress node = nodes.get(i % nodes.size());
      return SealpostClient.requestCode(vertx, node.http(), number)
          .compose(sent -> SealpostClient.register(vertx, stateRoot.resolve(number.substring(1)), node.http(),
              number, sent.getSessionId(), code, "bench"))
          .compose(client -> client.listener(listener()).connectTcp(node.tcpPort()).map(client));
    });
  }

  private ClientListener listener() {
    return new ClientListener() {
      @Override
      public Future<Void> onMessage(IncomingMessage message) {
        String text = message.text();
        int space = text.indexOf(' ');
        tally.delivered(message.id(), Long.parseLong(text.substring(0, space)));
        return Future.succeededFuture();
      }

      @Override
      public void onReceipt(Receipt receipt) {
        tally.receipts.incrementAndGet();
      }

      @Override
      public void onUndecryptable(String sender, int senderDevice, MessageId id) {
        error("undecryptable message from device " + senderDevice);
      }
    };
  }

  Future<BenchResult> run(List<SealpostClient> clients, CpuMeter cpu) {
    return tally.run(vertx, options, () -> sendOne(clients), cpu).compose(sent ->
        Timers.poll(vertx, tally::settled, System.currentTimeMillis() + 60_000)
            .map(settled -> tally.result("signal", clients.size(), options, sent)));
  }

  /** Text of about {@code size} characters, led by the send time (nanoTime) for the delivery latency. */
  private void sendOne(List<SealpostClient> clients) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int from = random.nextInt(clients.size());
    int to = random.nextInt(clients.size() - 1);
    if (to >= from) {
      to++;
    }
    long sentAt = System.nanoTime();
    StringBuilder text = new StringBuilder(options.size()).append(sentAt).append(' ');
    while (text.length() < options.size()) {
      text.append((char) ('a' + random.nextInt(26)));
    }
    tally.outstanding.incrementAndGet();
    clients.get(from).send(clients.get(to).number(), text.toString()).onComplete(ar -> {
      tally.outstanding.decrementAndGet();
      if (ar.succeeded()) {
        tally.acked(ar.result().id(), sentAt);
      } else if (tally.failed(sentAt)) {
        reportFirst(ar.cause().toString());
      }
    });
  }

  private void error(String what) {
    tally.errors.incrementAndGet();
    reportFirst(what);
  }

  private void reportFirst(String what) {
    if (firstError == null) {
      firstError = what;
      System.err.println("first error: " + what);
    }
  }
}
