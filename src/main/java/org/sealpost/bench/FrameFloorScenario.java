package org.sealpost.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bench frame-floor}: the one-to-one load (same clients, rate, payloads, open loop) against
 * a {@link FrameRelay} in this JVM instead of a Sealpost server. The relay's CPU per message is
 * what moving the message's six frames costs on this machine with nothing else done: the floor
 * under the figure {@code one-to-one} reports for the server.
 */
final class FrameFloorScenario {
  private final Vertx vertx;
  private final BenchOptions options;
  private final OneToOneTally<Long> tally = new OneToOneTally<>();
  private final AtomicLong ids = new AtomicLong();
  /** When each unacked send was made (System.nanoTime). */
  private final Map<Long, Long> sentAt = new ConcurrentHashMap<>();

  FrameFloorScenario(Vertx vertx, BenchOptions options) {
    this.vertx = vertx;
    this.options = options;
  }

  /** Runs against a relay with {@code eventLoops} threads; the result's server CPU is the relay's. */
  Future<BenchResult> run(int eventLoops, boolean ioUring) throws InterruptedException {
    FrameRelay relay = new FrameRelay(eventLoops, options.clients(), ioUring);
    NetClient net = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true));
    return connectAll(net, relay.port())
        .compose(sockets -> {
          System.out.println("connected " + sockets.size() + " clients to a bare relay (" + eventLoops
              + " event loops, " + (ioUring ? "io_uring" : "epoll") + "); running " + options.durationSeconds() + " s at " + options.rate() + " msg/s");
          return tally.run(vertx, options, () -> sendOne(sockets), new CpuMeter(relay::cpuNanos))
              .compose(sent -> Timers.poll(vertx, tally::settled, System.currentTimeMillis() + 30_000)
                  .map(settled -> tally.result("frame-floor", "none", sockets.size(), options, sent)));
        })
        .eventually(() -> net.close())
        .eventually(() -> vertx.executeBlocking(() -> {
          relay.close();
          return null;
        }));
  }

  private Future<List<NetSocket>> connectAll(NetClient net, int port) {
    List<Future<NetSocket>> connecting = new ArrayList<>();
    for (int i = 0; i < options.clients(); i++) {
      int index = i;
      connecting.add(net.connect(port, "127.0.0.1").map(socket -> {
        RecordParser parser = RecordParser.newFixed(4);
        parser.handler(new FrameReader(socket, parser));
        socket.handler(parser);
        socket.write(frame(1 + 4).appendByte(FrameRelay.HELLO).appendInt(index));
        return socket;
      }));
    }
    return Future.all(connecting).map(all -> all.list());
  }

  private void sendOne(List<NetSocket> sockets) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int from = random.nextInt(sockets.size());
    int to = random.nextInt(sockets.size() - 1);
    if (to >= from) {
      to++;
    }
    long id = ids.incrementAndGet();
    byte[] payload = new byte[options.size()];
    random.nextBytes(payload);
    long now = System.nanoTime();
    sentAt.put(id, now);
    tally.outstanding.incrementAndGet();
    // the payload's first 8 bytes carry the send time, as one-to-one's do
    sockets.get(from).write(frame(1 + 4 + 8 + payload.length).appendByte(FrameRelay.SEND).appendInt(to)
        .appendLong(id).appendLong(now).appendBytes(payload, 8, payload.length - 8));
  }

  private static Buffer frame(int length) {
    return Buffer.buffer(4 + length).appendInt(length);
  }

  /** Reads one client's frames: length, then body, and answers them as a client would. */
  private final class FrameReader implements io.vertx.core.Handler<Buffer> {
    private final NetSocket socket;
    private final RecordParser parser;
    private boolean body;

    FrameReader(NetSocket socket, RecordParser parser) {
      this.socket = socket;
      this.parser = parser;
    }

    @Override
    public void handle(Buffer buffer) {
      if (!body) {
        body = true;
        parser.fixedSizeMode(buffer.getInt(0));
        return;
      }
      body = false;
      parser.fixedSizeMode(4);
      onFrame(buffer);
    }

    private void onFrame(Buffer frame) {
      switch (frame.getByte(0)) {
        case FrameRelay.ACK -> {
          long id = frame.getLong(1);
          tally.outstanding.decrementAndGet();
          Long sent = sentAt.remove(id);
          if (sent != null) {
            tally.acked(id, sent);
          }
        }
        case FrameRelay.DELIVER -> {
          int from = frame.getInt(1);
          long id = frame.getLong(5);
          tally.delivered(id, frame.getLong(13));
          socket.write(frame(1 + 4 + 8).appendByte(FrameRelay.DELIVERED).appendInt(from).appendLong(id));
        }
        case FrameRelay.RECEIPT -> {
          tally.receipts.incrementAndGet();
          socket.write(frame(1 + 8).appendByte(FrameRelay.RECEIPT_ACK).appendLong(frame.getLong(1)));
        }
        default -> tally.errors.incrementAndGet();
      }
    }
  }
}
