package org.sealpost.web;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.sealpost.client.SealpostClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sealpost web}: one device's chats in a browser. The SDK does the crypto here, in this
 * process; the page on 127.0.0.1 only draws and asks. Owns the device's client, its history and
 * the local HTTP server, all on this verticle's context.
 */
public final class WebClient extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(WebClient.class);
  /** Between attempts to reach the server when it could not be reached at start. */
  private static final long RETRY_MS = 3_000;
  /** How often the connection state is looked at, so the page's banner follows reconnects. */
  private static final long CONNECTION_CHECK_MS = 1_000;

  private final Path state;
  private final List<URI> servers;
  private final int port;
  private final String token;
  private SealpostClient client;
  private ChatHistory history;
  private LiveEvents events;
  private HttpServer http;
  private volatile URI url;
  private boolean stopping;

  /**
   * @param state the device's state directory (from {@code sealpost register} or {@code link})
   * @param servers nodes to use instead of the state's server, or empty
   * @param port the local port, 0 for any free one
   */
  public WebClient(Path state, List<URI> servers, int port) {
    this.state = state;
    this.servers = List.copyOf(servers);
    this.port = port;
    this.token = LocalAccess.newToken();
  }

  /** The page's address with its token, once started: the only way in. */
  public URI url() {
    return url;
  }

  @Override
  public Future<?> start() {
    return SealpostClient.open(vertx, state, servers)
        .compose(opened -> {
          client = opened;
          return ChatHistory.open(vertx, state);
        })
        .compose(opened -> {
          history = opened;
          return vertx.executeBlocking(WebAssets::new);
        })
        .compose(assets -> {
          events = new LiveEvents();
          WebMessenger messenger = new WebMessenger(vertx, client, history, events, state);
          client.listener(messenger);
          return listen(messenger, assets).onSuccess(v -> connect(messenger));
        })
        // A start cut short lets go of what it opened: the state directory's lock above all.
        .recover(err -> stop().transform(stopped -> Future.failedFuture(err)));
  }

  private Future<Void> listen(WebMessenger messenger, WebAssets assets) {
    http = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port));
    LocalAccess access = new LocalAccess(token);
    http.requestHandler(ChatRoutes.router(vertx, access, assets, messenger, events, new WebFiles(vertx, state)));
    return http.listen().recover(err -> Future.failedFuture(new IllegalStateException(
        "cannot listen on 127.0.0.1:" + port + ": " + err.getMessage(), err))).map(server -> {
      access.listeningOn(server.actualPort());
      url = URI.create("http://127.0.0.1:" + server.actualPort() + "/#token=" + token);
      log.info("web client of {} on http://127.0.0.1:{}/", client.number(), server.actualPort());
      return null;
    });
  }

  /** Connects, and keeps trying until the server answers; from then on the SDK reconnects by itself. */
  private void connect(WebMessenger messenger) {
    List<URI> targets = servers.isEmpty() ? List.of(client.server()) : servers;
    client.connect(targets).onSuccess(v -> {
      vertx.setPeriodic(CONNECTION_CHECK_MS, id -> {
        if (!stopping && messenger.connected() != client.isConnected()) {
          messenger.connected(client.isConnected());
        }
      });
    }).onFailure(err -> {
      if (stopping) {
        return;
      }
      log.warn("cannot reach {}: {}; trying again in {} ms", targets, err.toString(), RETRY_MS);
      messenger.connected(false);
      vertx.setTimer(RETRY_MS, id -> {
        if (!stopping) {
          connect(messenger);
        }
      });
    });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    if (events != null) {
      events.closeAll();
    }
    Future<Void> closed = http == null ? Future.succeededFuture() : http.close();
    return closed
        .transform(v -> client == null ? Future.succeededFuture() : client.close())
        .transform(v -> history == null ? Future.succeededFuture() : history.close());
  }
}
