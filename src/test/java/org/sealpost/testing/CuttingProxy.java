package org.sealpost.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy to a local port that cuts one connection mid-transfer: the first connection to
 * move more than {@code cutAfter} bytes in the watched direction gets exactly that many through
 * and is then closed (both sides), as a dropped mobile link would. Counts the bytes it forwarded
 * each way. It can also take the target away altogether ({@link #down}) and bring it back.
 */
public final class CuttingProxy implements AutoCloseable {
  private final NetServer server;
  private final NetClient client;
  private final AtomicLong upstream = new AtomicLong();
  private final AtomicLong downstream = new AtomicLong();
  private final AtomicInteger connections = new AtomicInteger();
  /** Armed by cutUpstreamAfter / cutDownstreamAfter; set by the one cut each allows. */
  private final AtomicBoolean cut = new AtomicBoolean();
  private final AtomicInteger cuts = new AtomicInteger();
  private volatile long cutUpstreamAfter = Long.MAX_VALUE;
  private volatile long cutDownstreamAfter = Long.MAX_VALUE;

  private volatile int targetPort;
  /** While set, the target is "unreachable": every connection is closed as it comes. */
  private volatile boolean down;
  private final java.util.Set<NetSocket> open = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** A proxy on a free port; it forwards to {@link #forwardTo} (set before the first connection). */
  public CuttingProxy(Vertx vertx) {
    this.client = vertx.createNetClient();
    this.server = vertx.createNetServer().connectHandler(in -> {
      if (down) {
        in.close();
        return;
      }
      in.pause();
      connections.incrementAndGet();
      open.add(in);
      client.connect(targetPort, "127.0.0.1").onSuccess(out -> {
        long[] up = {0};
        long[] down = {0};
        boolean[] severed = {false};
        in.handler(buffer -> forward(buffer, up, upstream, cutUpstreamAfter, severed, in, out));
        out.handler(buffer -> forward(buffer, down, downstream, cutDownstreamAfter, severed, out, in));
        in.closeHandler(v -> {
          open.remove(in);
          out.close();
        });
        out.closeHandler(v -> in.close());
        in.resume();
      }).onFailure(err -> {
        open.remove(in);
        in.close();
      });
    });
    Await.await(server.listen(0, "127.0.0.1"));
  }

  /**
   * Forwards {@code buffer} from one side to the other. The buffer that takes this direction past
   * {@code cutAfter} goes only up to that byte, wherever it falls (a frame is cut in two as a
   * dropped link would), and then both sides are closed; nothing more passes on a severed
   * connection.
   */
  private void forward(Buffer buffer, long[] moved, AtomicLong total, long cutAfter, boolean[] severed,
      NetSocket from, NetSocket to) {
    if (severed[0]) {
      return;
    }
    long before = moved[0];
    moved[0] += buffer.length();
    if (moved[0] > cutAfter && cut.compareAndSet(false, true)) {
      severed[0] = true;
      int kept = (int) Math.max(0, Math.min(buffer.length(), cutAfter - before));
      total.addAndGet(kept);
      cuts.incrementAndGet();
      to.write(buffer.slice(0, kept)).onComplete(written -> {
        from.close();
        to.close();
      });
      return;
    }
    total.addAndGet(buffer.length());
    to.write(buffer);
    pushBack(from, to);
  }

  private static void pushBack(NetSocket from, NetSocket to) {
    if (to.writeQueueFull()) {
      from.pause();
      to.drainHandler(v -> from.resume());
    }
  }

  /** The next connection that sends more than this many bytes to the target is cut (once). */
  public CuttingProxy cutUpstreamAfter(long bytes) {
    cut.set(false);
    cutDownstreamAfter = Long.MAX_VALUE;
    cutUpstreamAfter = bytes;
    return this;
  }

  /** The next connection that receives more than this many bytes from the target is cut (once). */
  public CuttingProxy cutDownstreamAfter(long bytes) {
    cut.set(false);
    cutUpstreamAfter = Long.MAX_VALUE;
    cutDownstreamAfter = bytes;
    return this;
  }

  /** The target goes away: open connections are closed and new ones closed as they come, until {@link #up}. */
  public CuttingProxy down() {
    down = true;
    java.util.List.copyOf(open).forEach(NetSocket::close);
    return this;
  }

  /** The target is back. */
  public CuttingProxy up() {
    down = false;
    return this;
  }

  public CuttingProxy forwardTo(int port) {
    this.targetPort = port;
    return this;
  }

  /** Connections cut so far, over every arming. */
  public int cuts() {
    return cuts.get();
  }

  public int port() {
    return server.actualPort();
  }

  public long upstreamBytes() {
    return upstream.get();
  }

  public long downstreamBytes() {
    return downstream.get();
  }

  public int connections() {
    return connections.get();
  }

  @Override
  public void close() {
    Await.await(server.close());
    Await.await(client.close());
  }
}
