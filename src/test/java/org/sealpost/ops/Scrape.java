package org.sealpost.ops;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain HTTP GETs against a test node, and /metrics read the way Prometheus reads it. */
final class Scrape {
  private Scrape() {}

  static HttpResponse<String> get(URI base, String path, String bearer) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20));
      if (bearer != null) {
        request.header("Authorization", "Bearer " + bearer);
      }
      // A client per call, HTTP/1.1: no pooled connection outlives a test server whose port the next reuses.
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10)).build();
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException("GET " + path + " failed", e);
    }
  }

  static HttpResponse<String> post(URI base, String path, String bearer) {
    try {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10)).build();
      return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
          .header("Authorization", "Bearer " + bearer).POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException("POST " + path + " failed", e);
    }
  }

  static HttpResponse<String> get(URI base, String path) {
    return get(base, path, null);
  }

  /**
   * The sum of the samples of {@code name} whose labels contain every one of {@code labels}
   * (each like {@code transport="tcp"}); -1 when there is no such sample.
   */
  static double value(String metrics, String name, String... labels) {
    double sum = 0;
    boolean found = false;
    for (String line : metrics.split("\n")) {
      if (line.startsWith("#") || !(line.startsWith(name + " ") || line.startsWith(name + "{"))) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String series = line.substring(0, space);
      boolean all = true;
      for (String label : labels) {
        all &= series.contains(label);
      }
      if (all) {
        sum += Double.parseDouble(line.substring(space + 1));
        found = true;
      }
    }
    return found ? sum : -1;
  }

  static double metric(URI base, String name, String... labels) {
    return value(get(base, "/metrics").body(), name, labels);
  }
}
