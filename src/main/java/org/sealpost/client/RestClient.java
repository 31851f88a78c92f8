package org.sealpost.client;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.ErrorBody;
import org.sealpost.protocol.KeyLogKey;
import org.sealpost.protocol.LinkDeviceRequest;
import org.sealpost.protocol.RequestCodeRequest;
import org.sealpost.protocol.RequestCodeResponse;
import org.sealpost.protocol.VerifyCodeRequest;

/** The HTTP side of the API (registration, linking, and any route with Basic auth), in protobuf. */
public final class RestClient {
  private static final String PROTOBUF = "application/x-protobuf";

  private final HttpClient http;
  /** The servers (nodes of one deployment), tried in turn from {@link #current} when one cannot be reached. */
  private final List<URI> servers;
  private final int defaultPort;
  private volatile int current;

  /** A client of an http:// server, or an https:// one trusting the JVM's certificate authorities. */
  public RestClient(Vertx vertx, URI server) {
    this(vertx, server, tlsFor(server));
  }

  /** A client over TLS ({@code tls} non-null) or plaintext. */
  public RestClient(Vertx vertx, URI server, ClientTls tls) {
    this(vertx, server, tls, new HttpClientOptions());
  }

  /** A client with HTTP options of the caller's (a local address to connect from, timeouts, a proxy). */
  public RestClient(Vertx vertx, URI server, ClientTls tls, HttpClientOptions options) {
    this(vertx, List.of(server), tls, options, new PoolOptions());
  }

  /**
   * A client that keeps up to {@code maxConnections} requests in flight at once (the default pool
   * holds 5 HTTP/1.1 connections, so more wait for one); for load generators standing in for many
   * users.
   */
  public RestClient(Vertx vertx, URI server, int maxConnections) {
    this(vertx, List.of(server), tlsFor(server),
        new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(maxConnections));
  }

  /**
   * A client of several nodes of one deployment: each request goes to the node the last one
   * reached, and to the next in turn when that node cannot be connected to (the request never
   * reached it, so trying another is safe for every route).
   */
  public RestClient(Vertx vertx, List<URI> servers) {
    this(vertx, servers, tlsFor(servers.get(0)),
        new HttpClientOptions(), new PoolOptions());
  }

  private RestClient(Vertx vertx, List<URI> servers, ClientTls tls, HttpClientOptions options, PoolOptions pool) {
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("at least one server is needed");
    }
    this.http = vertx.createHttpClient(tls == null ? options : tls.applyTo(options), pool);
    this.servers = List.copyOf(servers);
    this.defaultPort = tls == null ? 80 : 443;
  }

  /** TLS trusting the JVM's certificate authorities for an https:// server; none for http://. */
  private static ClientTls tlsFor(URI server) {
    return "https".equals(server.getScheme()) ? ClientTls.systemTrust() : null;
  }

  public Future<RequestCodeResponse> requestCode(String number) {
    return call(HttpMethod.POST, "/v1/registration/code", null,
        RequestCodeRequest.newBuilder().setNumber(number).build(), RequestCodeResponse.parser());
  }

  /** Verifies the code sent in registration session {@code sessionId} (from {@link #requestCode}). */
  public Future<DeviceCredentials> verify(String number, String sessionId, String code, int registrationId,
      String deviceName) {
    return call(HttpMethod.POST, "/v1/registration/verify", null, VerifyCodeRequest.newBuilder().setNumber(number)
        .setSessionId(sessionId).setCode(code).setRegistrationId(registrationId).setDeviceName(deviceName).build(),
        DeviceCredentials.parser());
  }

  public Future<DeviceCredentials> link(String number, String linkCode, int registrationId, String deviceName) {
    return call(HttpMethod.POST, "/v1/devices/link", null, LinkDeviceRequest.newBuilder().setNumber(number)
        .setLinkCode(linkCode).setRegistrationId(registrationId).setDeviceName(deviceName).build(),
        DeviceCredentials.parser());
  }

  /** {@code GET /v1/keylog/key} (no auth): the public key the server's key log signs its heads with. */
  public Future<KeyLogKey> keyLogKey() {
    return call(HttpMethod.GET, "/v1/keylog/key", null, com.google.protobuf.Empty.getDefaultInstance(),
        KeyLogKey.parser());
  }

  /** Any route; {@code credentials} (may be null) authenticates as that device. */
  public <T> Future<T> call(HttpMethod method, String path, DeviceCredentials credentials, MessageLite body,
      Parser<T> parser) {
    return call(method, path, credentials, body, parser, current, servers.size());
  }

  private <T> Future<T> call(HttpMethod method, String path, DeviceCredentials credentials, MessageLite body,
      Parser<T> parser, int index, int triesLeft) {
    URI server = servers.get(index);
    return callOnce(server, method, path, credentials, body, parser).recover(failure -> {
      if (triesLeft <= 1 || !(failure instanceof ConnectException)) {
        return Future.failedFuture(failure);
      }
      int next = (index + 1) % servers.size();
      current = next;
      return call(method, path, credentials, body, parser, next, triesLeft - 1);
    });
  }

  private <T> Future<T> callOnce(URI server, HttpMethod method, String path, DeviceCredentials credentials,
      MessageLite body, Parser<T> parser) {
    int port = server.getPort() > 0 ? server.getPort() : defaultPort;
    RequestOptions options = new RequestOptions().setMethod(method).setHost(server.getHost()).setPort(port).setURI(path)
        .putHeader("Content-Type", PROTOBUF).putHeader("Accept", PROTOBUF);
    if (credentials != null) {
      String basic = credentials.getNumber() + "." + credentials.getDeviceId() + ":" + credentials.getPassword();
      options.putHeader("Authorization",
          "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
    }
    // The response's body is asked for in the callback that gets the response: one chained
    // outside it may run on another context after the response has ended, and wait forever.
    return http.request(options).compose(request -> request.send(Buffer.buffer(body.toByteArray()))
        .compose(response -> response.body().compose(bytes -> {
          try {
            if (response.statusCode() == 200) {
              return Future.succeededFuture(parser.parseFrom(bytes.getBytes()));
            }
            return Future.failedFuture(new RequestFailedException(response.statusCode(), ErrorBody.parseFrom(bytes.getBytes())));
          } catch (InvalidProtocolBufferException e) {
            return Future.failedFuture(new RequestFailedException(response.statusCode(),
                ErrorBody.newBuilder().setMessage("unreadable response: " + bytes.toString(StandardCharsets.UTF_8)).build()));
          }
        })));
  }

  public Future<Void> close() {
    return http.close();
  }
}
