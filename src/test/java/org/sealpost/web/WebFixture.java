package org.sealpost.web;

import static org.sealpost.testing.Await.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.sealpost.client.SealpostClient;
import org.sealpost.testing.TestServer;

/**
 * Accounts registered with the SDK against a test server, and their web clients: each one
 * deployed on the server's client Vert.x like `sealpost web` deploys it, answered through its
 * HTTP API with its token.
 */
final class WebFixture implements AutoCloseable {
  private final TestServer server;
  private final Path dir;
  private final List<String> deployments = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  WebFixture(TestServer server, Path dir) {
    this.server = server;
    this.dir = dir;
  }

  /** An account registered in its own state directory, its client closed again. */
  Account register(String name) {
    String number = TestServer.newNumber();
    await(registered(number, name).close());
    return new Account(number, dir.resolve(name));
  }

  private SealpostClient registered(String number, String name) {
    String session = await(SealpostClient.requestCode(server.clients(), server.httpUri(), number)).getSessionId();
    return await(SealpostClient.register(server.clients(), dir.resolve(name), server.httpUri(), number, session,
        TestServer.TEST_CODE, name), 30);
  }

  /** {@code number} registered again on a new device in {@code name}: a new identity key, connected. */
  SealpostClient reregister(String number, String name) {
    SealpostClient client = registered(number, name);
    await(client.connect());
    return client;
  }

  /** An opened SDK client of {@code account} (for a third party in a test). */
  SealpostClient open(Account account) {
    return await(SealpostClient.open(server.clients(), account.state()));
  }

  /** {@code account} on the SDK, connected, telling {@code listener}. */
  SealpostClient connect(Account account, org.sealpost.client.ClientListener listener) {
    SealpostClient client = open(account);
    client.listener(listener);
    await(client.connect());
    return client;
  }

  Web start(Account account) {
    return start(account, List.of());
  }

  /** A web client that reaches the server at {@code servers} (a proxy, say) instead of the state's URL. */
  Web start(Account account, List<URI> servers) {
    WebClient web = new WebClient(account.state(), servers, 0);
    String deployment = await(server.clients().deployVerticle(web), 30);
    deployments.add(deployment);
    return new Web(account, web, deployment);
  }

  void stop(Web web) {
    await(server.clients().undeploy(web.deployment()), 30);
    deployments.remove(web.deployment());
  }

  @Override
  public void close() {
    for (String deployment : List.copyOf(deployments)) {
      await(server.clients().undeploy(deployment), 30);
    }
  }

  record Account(String number, Path state) {}

  /** A running web client: its address and token. */
  final class Web {
    final Account account;
    final WebClient client;
    final String deployment;

    Web(Account account, WebClient client, String deployment) {
      this.account = account;
      this.client = client;
      this.deployment = deployment;
    }

    String deployment() {
      return deployment;
    }

    URI base() {
      return URI.create("http://127.0.0.1:" + client.url().getPort());
    }

    String token() {
      return client.url().getFragment().substring("token=".length());
    }

    HttpResponse<String> call(String method, String path, String body) throws Exception {
      HttpRequest.Builder request = HttpRequest.newBuilder(base().resolve(path)).timeout(Duration.ofSeconds(30))
          .header("Authorization", "Bearer " + token());
      if (body != null) {
        request.header("Content-Type", "application/json");
      }
      request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.ofString(body));
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The JSON of a call that must succeed. */
    Object ok(String method, String path, JsonObject body) throws Exception {
      HttpResponse<String> response = call(method, path, body == null ? null : body.encode());
      if (response.statusCode() != 200) {
        throw new AssertionError(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
      }
      return response.body().startsWith("[") ? new JsonArray(response.body()) : new JsonObject(response.body());
    }

    JsonArray messages(String conversation) throws Exception {
      return (JsonArray) ok("GET", "/api/conversations/" + encode(conversation) + "/messages", null);
    }

    JsonObject conversation(String id) throws Exception {
      JsonArray all = (JsonArray) ok("GET", "/api/conversations", null);
      for (Object entry : all) {
        if (((JsonObject) entry).getString("id").equals(id)) {
          return (JsonObject) entry;
        }
      }
      return null;
    }
  }

  static String encode(String pathSegment) {
    return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
