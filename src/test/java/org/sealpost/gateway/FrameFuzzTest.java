package org.sealpost.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.api.Route;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.Envelope;
import org.sealpost.protocol.Frame;
import org.sealpost.protocol.Request;
import org.sealpost.protocol.Response;
import org.sealpost.testing.RawFrameSocket;
import org.sealpost.testing.TestDevice;
import org.sealpost.testing.TestServer;

/**
 * A bounded, seeded fuzz run over real TCP: 100,000 generated frames (random bytes, truncated,
 * oversized and empty frames, valid frames with hostile protobuf bodies on every route, huge
 * repeated fields, unknown routes, stray responses). Every request gets a typed 4xx answer or
 * its connection is closed with one; none gets a 500; the server stays healthy; two
 * well-behaved clients exchange messages throughout and lose none.
 *
 * <p>The same bodies go over HTTP too (3,000 requests on every route, protobuf and broken JSON,
 * with and without credentials) and over a WebSocket (5,000 messages): no 5xx but 503.
 *
 * <p>Replay a failure with {@code -Dsealpost.fuzz.seed=N}; size the run with
 * {@code -Dsealpost.fuzz.frames=N}, {@code -Dsealpost.fuzz.http=N} and {@code -Dsealpost.fuzz.websocket=N}.
 */
class FrameFuzzTest {
  private static final long SEED = Long.getLong("sealpost.fuzz.seed", 20261128L);
  private static final int FRAMES = Integer.getInteger("sealpost.fuzz.frames", 100_000);
  private static final int BATCH = 250;

  @TempDir Path dataDir;
  private TestServer server;

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void hostileFramesGetTypedErrorsAndHurtNoOne() throws Exception {
    server = fullyConfigured();
    TestDevice alice = server.device(server.register());
    TestDevice bob = server.device(server.register());
    DeviceCredentials attacker = server.register();
    // Hostile frames go on fresh connections of another device: a new connection of the same
    // device would replace the long-lived one.
    DeviceCredentials hostileDevice = server.register();
    Random random = new Random(SEED);
    RandomMessages garbage = new RandomMessages(random,
        List.of(alice.number(), bob.number(), attacker.getNumber(), "*", "1", "0", "-1", "4294967296"));
    List<Route> routes = fuzzedRoutes();

    // Well-behaved traffic alongside: alice sends bob a message every 20 ms while the fuzz runs.
    AtomicInteger steadySent = new AtomicInteger();
    Set<Integer> acked = java.util.concurrent.ConcurrentHashMap.newKeySet();
    long traffic = server.clients().setPeriodic(20, id -> {
      int n = steadySent.getAndIncrement();
      alice.sendAsync(bob.number(), List.of(bob.deviceId()), TestDevice.newMessageId(), "steady " + n)
          .onSuccess(r -> acked.add(n));
    });

    int sent = 0;
    int hostile = 0;
    Set<Integer> statuses = new HashSet<>();
    RawFrameSocket connection = authenticated(attacker);
    try {
      while (sent < FRAMES) {
        if (random.nextInt(100) < 3) {
          statuses.add(sendHostileFrame(random, garbage, hostileDevice));
          sent++;
          hostile++;
          continue;
        }
        int batch = Math.min(BATCH, FRAMES - sent);
        int requests = 0;
        for (int i = 0; i < batch; i++) {
          if (random.nextInt(20) == 0) {
            // A response to a request the server never sent: ignored.
            connection.writeFrame(Frame.newBuilder().setResponse(Response.newBuilder().setId(random.nextLong())
                .setStatus(random.nextInt(600)).setBody(garbage.bytes(random.nextInt(64)))).build().toByteArray());
          } else {
            connection.writeFrame(structuredRequest(random, garbage, routes, (1L << 40) + requests).toByteArray());
            requests++;
          }
        }
        long sentinel = connection.request("GET", "/v1/keepalive", Empty.getDefaultInstance());
        connection.flush();
        sent += batch;
        statuses.addAll(readAnswers(connection, sentinel, requests));
      }
    } finally {
      server.clients().cancelTimer(traffic);
      connection.close();
    }

    assertThat(statuses).as("statuses answered to fuzzed requests").allMatch(s -> s == 200 || (s >= 400 && s < 500));
    assertThat(hostile).isPositive();
    assertThat(health()).isEqualTo(200);
    // Every message alice got a single tick for reaches bob, in order, once (fuzzed sends from
    // the attacker may reach bob too; they are not alice's).
    // Bob may also get sends whose single tick alice had not seen yet when the run stopped: wait
    // for every ticked one, not for a count.
    Set<Integer> ticked = Set.copyOf(acked);
    List<Integer> fromAlice = new ArrayList<>();
    Set<Integer> missing = new java.util.HashSet<>(ticked);
    while (!missing.isEmpty()) {
      Envelope envelope = bob.next(60);
      if (envelope.getSource().equals(alice.number())) {
        String content = envelope.getContent().toStringUtf8();
        int n = Integer.parseInt(content.substring("steady ".length(), content.indexOf('@')));
        fromAlice.add(n);
        missing.remove(n);
      }
    }
    assertThat(ticked.size()).as("messages alice sent during the run").isGreaterThan(10);
    assertThat(fromAlice).isSorted().doesNotHaveDuplicates().containsAll(ticked);
  }

  /**
   * The same hostile bodies over HTTP on every route (protobuf, or JSON that is often not JSON),
   * with and without credentials: every answer is a 2xx or a 4xx, or a 503 (retry later); never
   * another 5xx.
   */
  @Test
  void hostileHttpRequestsGetTypedErrors() throws Exception {
    server = fullyConfigured();
    DeviceCredentials attacker = server.register();
    Random random = new Random(SEED + 1);
    RandomMessages garbage = new RandomMessages(random, List.of(attacker.getNumber(), "*", "1", "0", "-1"));
    List<Route> routes = fuzzedRoutes();
    String basic = "Basic " + java.util.Base64.getEncoder().encodeToString((attacker.getNumber() + "."
        + attacker.getDeviceId() + ":" + attacker.getPassword()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    Set<Integer> statuses = new HashSet<>();
    int requests = Integer.getInteger("sealpost.fuzz.http", 3_000);
    String last = "";
    for (int i = 0; i < requests; i++) {
      Frame frame = structuredRequest(random, garbage, routes, i);
      Request request = frame.getRequest();
      String verb = List.of("GET", "PUT", "POST", "DELETE", "PATCH").contains(request.getVerb()) ? request.getVerb() : "PUT";
      boolean json = random.nextInt(3) == 0;
      byte[] body = json ? (random.nextBoolean() ? "{\"" + garbage.string() + "\": " + random.nextInt() + "}"
          : garbage.string()).getBytes(java.nio.charset.StandardCharsets.UTF_8) : request.getBody().toByteArray();
      HttpRequest.Builder builder;
      try {
        builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.server().httpPort() + request.getPath()));
      } catch (IllegalArgumentException notAUri) {
        continue; // the client refuses to send it at all
      }
      builder.method(verb, HttpRequest.BodyPublishers.ofByteArray(body))
          .header("Content-Type", json ? "application/json" : "application/x-protobuf");
      if (random.nextInt(10) != 0) {
        builder.header("Authorization", basic);
      }
      HttpResponse<String> response;
      try {
        response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
      } catch (java.io.IOException e) {
        // A connection closed under the next request without Connection: close (414 used to be).
        throw new AssertionError("no answer to request " + i + " " + verb + " " + request.getPath() + ", after " + last, e);
      }
      assertThat(response.statusCode()).as("%s %s -> %s", verb, request.getPath(), response.body())
          .satisfies(status -> assertThat(status < 500 || status == 503).isTrue());
      statuses.add(response.statusCode());
      last = verb + " " + request.getPath() + " -> " + response.statusCode() + " " + response.headers().firstValue("connection");
    }
    assertThat(statuses).as("the run reached past the edge checks").contains(200);
    assertThat(health()).isEqualTo(200);
  }

  /**
   * The same structured hostile requests over a WebSocket, one binary message each, with stray
   * responses among them: every request gets a typed answer (2xx, 4xx, or 503), never another 5xx,
   * and the connection stays open throughout.
   */
  @Test
  void hostileWebSocketMessagesGetTypedErrors() throws Exception {
    server = fullyConfigured();
    DeviceCredentials attacker = server.register();
    Random random = new Random(SEED + 2);
    RandomMessages garbage = new RandomMessages(random, List.of(attacker.getNumber(), "*", "1", "0", "-1"));
    List<Route> routes = fuzzedRoutes();
    WebSocketClient client = server.clients().createWebSocketClient(new WebSocketClientOptions()
        .setMaxMessageSize(4 * 1024 * 1024).setMaxFrameSize(4 * 1024 * 1024));
    WebSocket ws = await(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(server.server().httpPort()).setURI("/v1/websocket")));
    BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    ws.binaryMessageHandler(message -> {
      try {
        frames.add(Frame.parseFrom(message.getBytes()));
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        frames.add(Frame.getDefaultInstance()); // fails the run below: the server wrote something unreadable
      }
    });
    FrameSource next = () -> {
      try {
        return frames.poll(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        throw new IOException(e);
      }
    };
    Acker acker = (id, status) -> ws.writeBinaryMessage(Buffer.buffer(Frame.newBuilder()
        .setResponse(Response.newBuilder().setId(id).setStatus(status)).build().toByteArray()));
    ws.writeBinaryMessage(Buffer.buffer(Frame.newBuilder().setRequest(Request.newBuilder().setId(1).setVerb("PUT")
        .setPath("/v1/auth").setBody(org.sealpost.protocol.AuthRequest.newBuilder().setNumber(attacker.getNumber())
            .setDeviceId(attacker.getDeviceId()).setPassword(attacker.getPassword()).build().toByteString())).build()
        .toByteArray()));
    assertThat(next.next().getResponse().getStatus()).as("authenticated").isEqualTo(200);

    Set<Integer> statuses = new HashSet<>();
    int messages = Integer.getInteger("sealpost.fuzz.websocket", 5_000);
    long id = 1L << 40;
    for (int sent = 0; sent < messages; ) {
      int requests = 0;
      for (int i = 0; i < BATCH && sent < messages; i++, sent++) {
        Frame frame = random.nextInt(20) == 0
            ? Frame.newBuilder().setResponse(Response.newBuilder().setId(random.nextLong())
                .setStatus(random.nextInt(600)).setBody(garbage.bytes(random.nextInt(64)))).build()
            : structuredRequest(random, garbage, routes, id + requests++);
        ws.writeBinaryMessage(Buffer.buffer(frame.toByteArray()));
      }
      id += requests;
      long sentinel = id++;
      ws.writeBinaryMessage(Buffer.buffer(Frame.newBuilder().setRequest(Request.newBuilder().setId(sentinel)
          .setVerb("GET").setPath("/v1/keepalive")).build().toByteArray()));
      statuses.addAll(readAnswers(next, acker, sentinel, requests));
    }
    await(ws.close());
    assertThat(statuses).as("statuses answered over the WebSocket")
        .allMatch(s -> s == 200 || (s >= 400 && s < 500) || s == 503)
        .contains(200);
    assertThat(health()).isEqualTo(200);
  }

  /** Every feature configured, so that a well-formed fuzzed request meets no "not configured" 503. */
  private TestServer fullyConfigured() {
    return new TestServer(dataDir, c -> c.withTurn(new org.sealpost.config.TurnConfig("fuzz-turn-secret",
        List.of("turn:127.0.0.1:3478"), java.time.Duration.ofHours(1))));
  }

  /** Every route but a device deleting itself: that ends its own session, which is allowed and not what this run probes. */
  private List<Route> fuzzedRoutes() {
    return server.server().routes().all().stream()
        .filter(route -> !(route.verb().equals("DELETE") && route.path().startsWith("/v1/devices")))
        .toList();
  }

  private RawFrameSocket authenticated(DeviceCredentials device) throws IOException {
    RawFrameSocket socket = RawFrameSocket.connect(server.server().tcpPort(), 0);
    assertThat(socket.authenticate(device)).isEqualTo(200);
    return socket;
  }

  /** A request on a real route (or a near miss) with a hostile body. */
  private static Frame structuredRequest(Random random, RandomMessages garbage, List<Route> routes, long id) {
    Route route = routes.get(random.nextInt(routes.size()));
    String path = route.path();
    StringBuilder actual = new StringBuilder();
    for (String segment : path.split("/")) {
      if (segment.isEmpty()) {
        continue;
      }
      actual.append('/').append(segment.startsWith(":") ? garbage.string().replace("/", "%2F") : segment);
    }
    String verb = route.verb();
    switch (random.nextInt(20)) {
      case 0 -> verb = List.of("GET", "PUT", "POST", "DELETE", "PATCH", "", "get").get(random.nextInt(7));
      case 1 -> actual.append('/').append(garbage.string());
      case 2 -> actual.setLength(Math.max(0, actual.length() - 1 - random.nextInt(4)));
      default -> { }
    }
    ByteString body = garbage.mutate(garbage.message(route.requestType(), 0).toByteString());
    if (body.size() > 100 * 1024) {
      body = body.substring(0, 100 * 1024); // with the path, still under the frame limit
    }
    return Frame.newBuilder().setRequest(Request.newBuilder().setId(id).setVerb(verb).setPath(actual.toString())
        .setBody(body)).build();
  }

  /**
   * Reads the answers to a batch (they may come in any order: routes finish at their own pace)
   * and the sentinel's; returns every status seen. The connection must stay open.
   */
  private static Set<Integer> readAnswers(RawFrameSocket connection, long sentinel, int requests) throws IOException {
    return readAnswers(connection::nextFrame, (id, status) -> {
      connection.answer(id, status);
      connection.flush();
    }, sentinel, requests);
  }

  /** Where answers come from and deliveries are acked: a raw TCP socket or a WebSocket. */
  private interface FrameSource {
    Frame next() throws IOException;
  }

  private interface Acker {
    void answer(long id, int status) throws IOException;
  }

  private static Set<Integer> readAnswers(FrameSource connection, Acker acker, long sentinel, int requests)
      throws IOException {
    Set<Integer> statuses = new HashSet<>();
    int answered = 0;
    boolean sentinelAnswered = false;
    while (answered < requests || !sentinelAnswered) {
      Frame frame = connection.next();
      assertThat(frame).as("an authenticated connection stays open through bad requests").isNotNull();
      if (frame.hasRequest()) {
        // A delivery (someone's fuzzed send found this device): ack it like a client would.
        acker.answer(frame.getRequest().getId(), 200);
        continue;
      }
      Response response = frame.getResponse();
      if (response.getId() == sentinel) {
        assertThat(response.getStatus()).isEqualTo(200);
        sentinelAnswered = true;
        continue;
      }
      assertThat(response.getReason()).as("status %d comes with a reason", response.getStatus()).isNotEmpty();
      statuses.add(response.getStatus());
      answered++;
    }
    return statuses;
  }

  /**
   * A frame that is not a frame: random bytes, empty, oversized or absurd length, or a frame
   * with no kind, on a fresh connection (authenticated or not). The server either answers it
   * or, for unreadable ones, answers with an error of id 0 and closes; it never hangs.
   */
  /**
   * One hostile frame on a connection of its own, and the answer each kind must get. Refused
   * outright, with an error of id 0 and then the close: a length of 0 (400, "empty frame"; an
   * empty Frame is 0 bytes too), a length over the limit (413, before any body is read), bytes
   * that are not a Frame or a Frame with neither request nor response (400). Bytes that happen to
   * parse as a request get that request's own answer; a stray response gets none, so a keepalive
   * sent after it is answered instead. Nothing is closed without a word.
   */
  private int sendHostileFrame(Random random, RandomMessages garbage, DeviceCredentials device) throws IOException {
    try (RawFrameSocket socket = random.nextBoolean() ? authenticated(device)
        : RawFrameSocket.connect(server.server().tcpPort(), 0)) {
      int refusedWith;
      long answered = 0;
      switch (random.nextInt(5)) {
        case 0 -> {
          byte[] bytes = garbage.bytes(1 + random.nextInt(2048)).toByteArray();
          socket.writeFrame(bytes);
          Frame parsed = parsedOrNull(bytes);
          refusedWith = parsed == null || parsed.getKindCase() == Frame.KindCase.KIND_NOT_SET ? 400 : 0;
          if (parsed != null && parsed.hasRequest()) {
            answered = parsed.getRequest().getId();
          } else if (parsed != null && parsed.hasResponse()) {
            answered = socket.request("GET", "/v1/keepalive", Empty.getDefaultInstance());
          }
        }
        case 1 -> {
          socket.writeRaw(new byte[] {0, 0, 0, 0});
          refusedWith = 400;
        }
        case 2 -> {
          socket.writeRaw(new byte[] {(byte) 0x7f, (byte) random.nextInt(256), 0, 1});
          refusedWith = 413;
        }
        case 3 -> {
          socket.writeRaw(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
          refusedWith = 413;
        }
        default -> {
          socket.writeFrame(Frame.getDefaultInstance().toByteArray());
          refusedWith = 400;
        }
      }
      socket.flush();
      Response response = socket.nextResponse(); // skips deliveries and the queue-empty marker
      assertThat(response).as("an answer before the close").isNotNull();
      if (refusedWith != 0) {
        assertThat(response.getId()).as("a refused frame's answer: %s", response).isZero();
        assertThat(response.getStatus()).as("a refused frame's answer: %s", response).isEqualTo(refusedWith);
        assertThat(response.getReason()).isNotEmpty();
        assertThat(socket.drainsToClose()).as("closed after refusing a frame").isTrue();
      } else {
        assertThat(response.getId()).as("answer to the request in the frame, or to the keepalive").isEqualTo(answered);
        if (response.getStatus() >= 400) {
          assertThat(response.getReason()).isNotEmpty();
        }
      }
      return response.getStatus();
    }
  }

  private static Frame parsedOrNull(byte[] bytes) {
    try {
      return Frame.parseFrom(bytes);
    } catch (com.google.protobuf.InvalidProtocolBufferException notAFrame) {
      return null;
    }
  }


  private int health() throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.server().httpPort() + "/health")).build(),
        HttpResponse.BodyHandlers.ofString());
    return response.statusCode();
  }
}
