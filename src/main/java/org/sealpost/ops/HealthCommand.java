package org.sealpost.ops;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sealpost health}: asks a node's health endpoint and exits 0 when it answers 200, 1
 * otherwise: the container HEALTHCHECK, without curl or wget in the image.
 */
@Command(name = "health", mixinStandardHelpOptions = true,
    description = "Check a node's /health/live (or --ready: /health/ready); exit 0 when healthy.")
public final class HealthCommand implements Callable<Integer> {
  @Option(names = "--url", paramLabel = "URL", defaultValue = "http://127.0.0.1:8080",
      description = "The node's HTTP base URL (default: ${DEFAULT-VALUE}).")
  URI url;

  @Option(names = "--ready", description = "Check readiness (stores, cluster, not draining) instead of liveness.")
  boolean ready;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "5", description = "Give up after this long.")
  int timeoutSeconds;

  @Override
  public Integer call() {
    URI target = url.resolve(ready ? "/health/ready" : "/health/live");
    try {
      HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(timeoutSeconds)).build()
          .send(HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(timeoutSeconds)).build(),
              HttpResponse.BodyHandlers.ofString());
      System.out.println(response.statusCode() + " " + response.body());
      return response.statusCode() == 200 ? 0 : 1;
    } catch (Exception e) {
      System.out.println("unreachable: " + target + ": " + e);
      return 1;
    }
  }
}
