package org.sealpost.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;
import org.sealpost.ops.ListenFailure;
import org.sealpost.ops.OpsEndpoints;

/**
 * {@code metrics.port}: /metrics and the health endpoints on a listener of their own, so the
 * scrape port can stay inside the cluster network while the gateway port faces clients.
 */
public final class MetricsVerticle extends VerticleBase {
  private final String host;
  private final int port;
  private final PrometheusMeterRegistry registry;
  private final OpsEndpoints ops;
  private HttpServer server;

  public MetricsVerticle(String host, int port, PrometheusMeterRegistry registry, OpsEndpoints ops) {
    this.host = host;
    this.port = port;
    this.registry = registry;
    this.ops = ops;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    ops.mount(router);
    server = vertx.createHttpServer().requestHandler(router);
    return ListenFailure.naming("metrics HTTP", host, port, server.listen(port, host));
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return server.actualPort();
  }
}
