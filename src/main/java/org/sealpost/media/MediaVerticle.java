package org.sealpost.media;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;
import org.sealpost.config.MediaConfig;
import org.sealpost.errors.SealpostException;
import org.sealpost.limits.ConnectionsPerAddress;
import org.sealpost.limits.HttpListenerGuard;
import org.sealpost.limits.NodeConnections;
import org.sealpost.ops.ListenFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The media listener ({@code media.port}): TUS uploads and blob downloads over plain HTTP.
 *
 * <p>Why its own listener rather than the gateway's HTTP port: media is bulk traffic with other
 * timeouts, sizes and caching than the API, and it is what one puts behind a CDN or on another
 * host name (WhatsApp's and Signal's media hosts are separate from their chat hosts). Deployed
 * with several instances sharing the port (Vert.x spreads connections over them); every
 * instance serves the same routes. Uploads stream to the {@code BlobStore}, never whole in memory.
 */
public final class MediaVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(MediaVerticle.class);
  /** A connection that moves no byte for this long is closed (a stalled upload resumes later). */
  private static final int IDLE_SECONDS = 120;

  private final MediaService media;
  private final ConnectionsPerAddress connections;
  private final NodeConnections nodeConnections;
  private final long firstRequestMillis;
  private HttpServer http;

  /**
   * @param connections the node's count of media connections per address (shared by every instance)
   * @param nodeConnections the node's count of all client connections
   * @param firstRequestMillis a connection that sends no request for this long is closed
   */
  public MediaVerticle(MediaService media, ConnectionsPerAddress connections, NodeConnections nodeConnections,
      long firstRequestMillis) {
    this.media = media;
    this.connections = connections;
    this.nodeConnections = nodeConnections;
    this.firstRequestMillis = firstRequestMillis;
  }

  @Override
  public Future<?> start() {
    MediaConfig config = media.config();
    Router router = Router.router(vertx);
    new TusUploads(media).mount(router);
    new BlobDownloads(media).mount(router);
    router.route().last().handler(rc -> MediaHttp.fail(rc,
        SealpostException.notFound("no route " + rc.request().method() + " " + rc.request().path())));
    router.errorHandler(500, rc -> MediaHttp.fail(rc, rc.failure()));
    http = vertx.createHttpServer(new HttpServerOptions()
        .setHost(config.host())
        .setPort(config.port())
        .setTcpNoDelay(true)
        .setHttp2ClearTextEnabled(false) // HTTP/1.1 only: a connection is counted as it opens
        .setIdleTimeout(IDLE_SECONDS)
        .setIdleTimeoutUnit(TimeUnit.SECONDS)
        .setHandle100ContinueAutomatically(false));
    HttpListenerGuard guard = new HttpListenerGuard(vertx, "media HTTP", nodeConnections, connections, firstRequestMillis);
    guard.guard(http).requestHandler(request -> {
      guard.spoke(request.remoteAddress());
      router.handle(request);
    });
    return ListenFailure.naming("media HTTP", config.host(), config.port(), http.listen())
        .onSuccess(server -> log.debug("media instance listening on {}", server.actualPort()));
  }

  @Override
  public Future<?> stop() {
    return http.close();
  }

  public int port() {
    return http.actualPort();
  }
}
