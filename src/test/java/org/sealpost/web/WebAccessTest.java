package org.sealpost.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;

import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.testing.Await;
import org.sealpost.testing.TestServer;

/**
 * Only a page this web client served, in a browser on this machine and given the printed token,
 * may use it: other hosts (DNS rebinding), other origins (CSRF, cross-site WebSockets) and
 * requests without the token are refused before anything is done.
 */
class WebAccessTest {

  @Test
  void onlyThisMachinesPageWithTheTokenGetsIn(@TempDir Path dir) throws Exception {
    try (TestServer server = new TestServer(dir.resolve("server"));
        WebFixture fixture = new WebFixture(server, dir)) {
      WebFixture.Web web = fixture.start(fixture.register("alice"));
      assertThat(web.client.url().getHost()).isEqualTo("127.0.0.1");
      assertThat(web.client.url().getFragment()).startsWith("token=").hasSizeGreaterThan(40);
      HttpClient http = HttpClient.newHttpClient();

      HttpResponse<String> page = http.send(HttpRequest.newBuilder(web.base().resolve("/")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("<html").contains("/app.js");
      assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("default-src 'self'")
          .contains("frame-ancestors 'none'");

      assertThat(rawStatus(web, "evil.example:" + web.base().getPort(), "/")).isEqualTo(421);
      assertThat(rawStatus(web, "evil.example:" + web.base().getPort(), "/api/me?token=" + web.token())).isEqualTo(421);
      assertThat(rawStatus(web, "localhost:" + web.base().getPort(), "/")).isEqualTo(200);

      HttpResponse<String> noToken = http.send(HttpRequest.newBuilder(web.base().resolve("/api/me")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(noToken.statusCode()).isEqualTo(401);
      assertThat(noToken.body()).contains("no_token");
      HttpResponse<String> wrongToken = http.send(HttpRequest.newBuilder(web.base().resolve("/api/me"))
          .header("Authorization", "Bearer " + "x".repeat(43)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(wrongToken.statusCode()).isEqualTo(401);
      assertThat(web.call("GET", "/api/me", null).body()).contains(web.account.number());

      HttpResponse<String> crossSite = http.send(HttpRequest.newBuilder(web.base().resolve("/api/conversations"))
          .header("Authorization", "Bearer " + web.token()).header("Origin", "http://evil.example")
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"number\":\"+15550001111\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(crossSite.statusCode()).isEqualTo(403);
      assertThat(web.conversation("+15550001111")).as("nothing was done for the other site").isNull();

      WebSocketClient sockets = server.clients().createWebSocketClient();
      WebSocketConnectOptions events = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(web.base().getPort())
          .setURI("/api/events?token=" + web.token());
      Throwable refused = Await.failure(sockets.connect(new WebSocketConnectOptions(events.toJson())
          .addHeader("Origin", "http://evil.example")));
      assertThat(refused).isInstanceOf(UpgradeRejectedException.class);
      assertThat(((UpgradeRejectedException) refused).getStatus()).isEqualTo(403);
      Throwable noTokenSocket = Await.failure(sockets.connect(new WebSocketConnectOptions(events.toJson())
          .setURI("/api/events").addHeader("Origin", web.base().toString())));
      assertThat(((UpgradeRejectedException) noTokenSocket).getStatus()).isEqualTo(401);
      var socket = await(sockets.connect(new WebSocketConnectOptions(events.toJson())
          .addHeader("Origin", web.base().toString())));
      await(socket.close());
      await(sockets.close());
    }
  }

  @Test
  void aTakenPortIsSaidAndLetsGoOfTheStateDirectory(@TempDir Path dir) throws Exception {
    try (TestServer server = new TestServer(dir.resolve("server"));
        WebFixture fixture = new WebFixture(server, dir)) {
      WebFixture.Web alice = fixture.start(fixture.register("alice"));
      WebFixture.Account bob = fixture.register("bob");

      Throwable refused = Await.failure(server.clients().deployVerticle(
          new WebClient(bob.state(), java.util.List.of(), alice.base().getPort())));
      assertThat(refused).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("cannot listen on 127.0.0.1:" + alice.base().getPort());
      // The failed start closed Bob's client: his state directory opens again.
      assertThat(fixture.start(bob).call("GET", "/api/me", null).body()).contains(bob.number());
    }
  }

  /** The status of a GET sent with exactly this Host header (HttpClient will not set one). */
  private static int rawStatus(WebFixture.Web web, String host, String path) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", web.base().getPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
      return Integer.parseInt(status.split(" ")[1]);
    }
  }
}
