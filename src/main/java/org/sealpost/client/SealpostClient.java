package org.sealpost.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import com.google.protobuf.InvalidProtocolBufferException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.sealpost.client.proto.AttachmentPointer;
import org.sealpost.client.proto.Content;
import org.sealpost.client.proto.LocalAccount;
import org.sealpost.protocol.AccountExport;
import org.sealpost.protocol.DeleteAccountRequest;
import org.sealpost.protocol.DeletionCodeResponse;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.DeviceList;
import org.sealpost.protocol.LinkCode;
import org.sealpost.protocol.PreKeyCount;
import org.sealpost.protocol.ReadReceiptRequest;
import org.sealpost.protocol.ReconnectRequest;
import org.sealpost.protocol.Request;
import org.sealpost.protocol.RequestCodeResponse;
import org.sealpost.protocol.SendMessageResponse;
import org.signal.libsignal.protocol.IdentityKeyPair;
import org.signal.libsignal.protocol.util.KeyHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Sealpost device: its account, its Signal-protocol state in a state directory, and its
 * connection to the server. Everything the server sees is ciphertext made here with libsignal
 * (PQXDH session setup, Double Ratchet messages).
 *
 * <p>Life: {@link #register}, {@link #link} or {@link #open} a state directory (one client per
 * directory at a time); set a {@link #listener}; {@link #connect()} to receive (queued messages
 * first, then live ones) and to keep prekeys topped up; {@link #send} and {@link #markRead};
 * {@link #close()}. Requests made while not connected go over HTTP, so a client that only sends
 * never takes deliveries off the server.
 *
 * <p>Every method may be called from any thread; the work runs on the client's Vert.x context,
 * and all cryptography and state-file I/O on its single {@link CryptoWorker} thread, which keeps
 * libsignal's non-thread-safe ciphers to one operation at a time and off the event loop.
 */
public final class SealpostClient {
  private static final Logger log = LoggerFactory.getLogger(SealpostClient.class);
  static final String RECONNECT_PATH = "/v1/reconnect";
  private static final Pattern NUMBER = Pattern.compile("\\+[1-9][0-9]{6,14}");
  /** A third of the server's default idle timeout (90 s), so one lost keepalive does not cost the connection. */
  public static final Duration DEFAULT_KEEPALIVE = Duration.ofSeconds(30);
  /** How long an unanswered call rings before the caller hangs up (and the callee shows it missed). */
  public static final Duration DEFAULT_RING_TIMEOUT = Duration.ofSeconds(45);

  private final Vertx vertx;
  private final Context context;
  private final Clock clock = Clock.systemUTC();
  private final StateLock lock;
  private final FileProtocolStore store;
  private final RestClient rest;
  private final CryptoWorker crypto;
  private final ServerApi api;
  private final KeyUploader keys;
  private final MessageSender sender;
  private final SentLog sent;
  private final MessageReceiver receiver;
  private final Calls calls;
  private final PresenceClient presence;
  private final GroupMessenger groups;
  private final Attachments attachments;
  private final String number;
  private final int deviceId;
  private final String password;
  private final URI server;
  private final String self;
  private volatile ClientListener listener = new ClientListener() { };
  private volatile WireConnection connection;
  private Future<?> sendTail = Future.succeededFuture();
  private Duration keepalive = DEFAULT_KEEPALIVE;
  private long keepaliveTimer = -1;
  private boolean closed;
  /** Set by {@link #connect(List)}: the cluster's nodes, tried in turn when a connection drops. */
  private Failover failover;
  /** True once {@link #connect(List)} succeeded: from then on a dropped connection is reopened. */
  private boolean reconnecting;
  private long reconnectTimer = -1;
  private URI connectedTo;

  private SealpostClient(Vertx vertx, Context context, StateLock lock, FileProtocolStore store) {
    this(vertx, context, lock, store, List.of());
  }

  private SealpostClient(Vertx vertx, Context context, StateLock lock, FileProtocolStore store, List<URI> servers) {
    LocalAccount account = store.account();
    this.vertx = vertx;
    this.context = context;
    this.lock = lock;
    this.store = store;
    this.number = account.getNumber();
    this.deviceId = account.getDeviceId();
    this.password = account.getPassword();
    this.server = servers.isEmpty() ? URI.create(account.getServerUrl()) : servers.get(0);
    this.self = Redact.device(number, deviceId);
    this.rest = new RestClient(vertx, servers.isEmpty() ? List.of(server) : servers);
    this.crypto = new CryptoWorker(vertx);
    this.api = new ServerApi(rest, DeviceCredentials.newBuilder().setNumber(number).setDeviceId(deviceId)
        .setPassword(password).build());
    this.keys = new KeyUploader(store, crypto, api, clock, self);
    this.sender = new MessageSender(store, crypto, api, number, deviceId);
    this.sent = new SentLog(store.files());
    GroupSessions groupSessions = new GroupSessions(store, number, deviceId);
    this.calls = new Calls(vertx, sender, () -> listener, clock, DEFAULT_RING_TIMEOUT);
    this.receiver = new MessageReceiver(store, groupSessions, crypto, () -> listener, keys::refill, self, calls, sent,
        number);
    this.presence = new PresenceClient(api, () -> listener);
    this.groups = new GroupMessenger(groupSessions, sender, crypto, api, number, clock, sent);
    this.attachments = new Attachments(vertx, api, server, DeviceCredentials.newBuilder().setNumber(number)
        .setDeviceId(deviceId).setPassword(password).build(), clock);
    crypto.watch(store, changed -> listener.onIdentityChanged(changed));
  }

  // ------------------------------------------------------------------ accounts

  /**
   * Asks the server to send a verification code to {@code number} (step one of {@link #register});
   * the answer's session id goes with the code to {@link #register}.
   */
  public static Future<RequestCodeResponse> requestCode(Vertx vertx, URI server, String number) {
    RestClient rest = new RestClient(vertx, server);
    return rest.requestCode(number).eventually(rest::close);
  }

  /**
   * Creates the account of {@code number} with the code the server sent in registration session
   * {@code sessionId} (both from {@link #requestCode}): makes this device's identity key and registration id, verifies, keeps
   * the credentials and keys in {@code stateDir} (which must not hold an account yet) and uploads
   * the keys. Re-registering a number replaces its account, and its contacts see a new safety number.
   */
  public static Future<SealpostClient> register(Vertx vertx, Path stateDir, URI server, String number,
      String sessionId, String code, String deviceName) {
    return enroll(vertx, stateDir, server,
        (rest, registrationId) -> rest.verify(number, sessionId, code, registrationId, deviceName));
  }

  /**
   * Adds this device to the existing account of {@code number}, with a code the primary device
   * made ({@link #createLinkCode()}). The new device gets its own identity key and keys.
   */
  public static Future<SealpostClient> link(Vertx vertx, Path stateDir, URI server, String number, String linkCode,
      String deviceName) {
    return enroll(vertx, stateDir, server,
        (rest, registrationId) -> rest.link(number, linkCode, registrationId, deviceName));
  }

  /** Opens the device kept in {@code stateDir}. */
  public static Future<SealpostClient> open(Vertx vertx, Path stateDir) {
    return open(vertx, stateDir, List.of());
  }

  /**
   * Opens the device kept in {@code stateDir} to use {@code servers} (nodes of its deployment)
   * instead of the server it registered with: HTTP requests go to the first that can be reached,
   * and {@link #connect(List)} with the same list fails over between them. Empty: the state's.
   */
  public static Future<SealpostClient> open(Vertx vertx, Path stateDir, List<URI> servers) {
    Context context = vertx.getOrCreateContext();
    return onContext(context, () -> vertx.executeBlocking(() -> {
      if (!Files.isDirectory(stateDir)) {
        throw new IllegalStateException("no account in " + stateDir + ": register first");
      }
      StateLock lock = StateLock.acquire(stateDir);
      try {
        StateFiles files = new StateFiles(stateDir);
        FileProtocolStore store = FileProtocolStore.load(files);
        new ReceivedLog(files).prune(Instant.now());
        new SentLog(files).prune(Instant.now());
        return new SealpostClient(vertx, context, lock, store, List.copyOf(servers));
      } catch (RuntimeException e) {
        lock.close();
        throw e;
      }
    }));
  }

  /** True when {@code stateDir} holds a registered device. */
  public static boolean hasAccount(Path stateDir) {
    return Files.isDirectory(stateDir) && FileProtocolStore.exists(new StateFiles(stateDir));
  }

  private static Future<SealpostClient> enroll(Vertx vertx, Path stateDir, URI server,
      BiFunction<RestClient, Integer, Future<DeviceCredentials>> enrollment) {
    Context context = vertx.getOrCreateContext();
    return onContext(context, () -> vertx.executeBlocking(() -> Enrollment.prepare(stateDir))
        .compose(prepared -> {
          RestClient rest = new RestClient(vertx, server);
          return enrollment.apply(rest, prepared.registrationId())
              .eventually(rest::close)
              .compose(credentials -> vertx.executeBlocking(() -> prepared.save(credentials, server)))
              .map(store -> new SealpostClient(vertx, context, prepared.lock(), store))
              .onFailure(err -> vertx.executeBlocking(() -> {
                prepared.lock().close();
                return null;
              }));
        })
        .compose(client -> client.keys.uploadAll()
            .map(client)
            .recover(err -> client.close().transform(closed -> Future.failedFuture(err))))
        .onSuccess(client -> log.info("{} - device enrolled", client.self)));
  }

  /** A state directory locked for a device that is being created, with its new identity. */
  private record Enrollment(StateLock lock, StateFiles files, IdentityKeyPair identity, int registrationId) {
    static Enrollment prepare(Path stateDir) {
      StateLock lock = StateLock.acquire(stateDir);
      StateFiles files = new StateFiles(stateDir);
      if (FileProtocolStore.exists(files)) {
        lock.close();
        throw new IllegalStateException(stateDir + " already holds an account");
      }
      return new Enrollment(lock, files, IdentityKeyPair.generate(), KeyHelper.generateRegistrationId(false));
    }

    FileProtocolStore save(DeviceCredentials credentials, URI server) {
      return FileProtocolStore.create(files, LocalAccount.newBuilder()
          .setNumber(credentials.getNumber())
          .setDeviceId(credentials.getDeviceId())
          .setPassword(credentials.getPassword())
          .setServerUrl(server.toString())
          .setRegistrationId(registrationId)
          .setIdentityKeyPair(ByteString.copyFrom(identity.serialize()))
          .setNextPreKeyId(1)
          .setNextKyberPreKeyId(1)
          .setNextSignedPreKeyId(1)
          .build());
    }
  }

  public String number() {
    return number;
  }

  public int deviceId() {
    return deviceId;
  }

  /** The server's HTTP base URL, as given at registration. */
  public URI server() {
    return server;
  }

  // ------------------------------------------------------------------ connection

  /** Sets who hears about messages, receipts and identity changes; set it before {@link #connect()}. */
  public SealpostClient listener(ClientListener newListener) {
    this.listener = newListener;
    return this;
  }

  /**
   * How often a connected client sends {@code GET /v1/keepalive}; the server closes a connection
   * that sent nothing for its idle timeout. Takes effect at the next connect.
   */
  public SealpostClient keepalive(Duration interval) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("keepalive interval must be positive");
    }
    this.keepalive = interval;
    return this;
  }

  /**
   * Connects over the WebSocket at the server URL's {@code /v1/websocket} and authenticates.
   * Completes once the server holds enough of this device's keys; queued messages then arrive
   * at the listener, followed by {@link ClientListener#onQueueEmpty()}.
   */
  public Future<Void> connect() {
    int port = server.getPort() > 0 ? server.getPort() : 80;
    return connectWith(() -> WireConnection.webSocket(vertx, server.getHost(), port));
  }

  /** Like {@link #connect()}, over the server's TCP port (length-prefixed frames). */
  public Future<Void> connectTcp(int tcpPort) {
    return connectWith(() -> WireConnection.tcp(vertx, server.getHost(), tcpPort));
  }

  /**
   * Connects over WebSocket to the first of {@code servers} (HTTP base URLs of the nodes of one
   * cluster) that answers, and from then on stays connected: when the connection drops (the
   * node died) or the node asks its clients to leave ({@code PUT /v1/reconnect}, a graceful
   * shutdown), the client connects to the next node, backing off between failed attempts
   * ({@link Failover}), until {@link #close()}. After every connect the queue drains first:
   * {@link ClientListener#onQueueEmpty()} follows each time. Completes once connected the first
   * time; fails when none of the servers could be reached.
   */
  public Future<Void> connect(List<URI> servers) {
    return onContext(() -> {
      failover = Failover.of(servers);
      return connectFirst(servers.size()).onSuccess(v -> reconnecting = true);
    });
  }

  /** The node this client is connected to (or was last), when connected with {@link #connect(List)}. */
  public URI connectedServer() {
    return connectedTo;
  }

  private Future<Void> connectFirst(int attemptsLeft) {
    URI target = failover.next(System.nanoTime());
    return connectTo(target).recover(err -> {
      failover.failed();
      if (attemptsLeft <= 1 || closed) {
        return Future.failedFuture(err);
      }
      return connectFirst(attemptsLeft - 1);
    });
  }

  private Future<Void> connectTo(URI target) {
    int port = target.getPort() > 0 ? target.getPort() : 80;
    return connectWith(() -> WireConnection.webSocket(vertx, target.getHost(), port)).onSuccess(v -> {
      connectedTo = target;
      failover.connected();
    });
  }

  /** One reconnect attempt after the failover's backoff; another is scheduled if it fails. */
  private void scheduleReconnect() {
    if (reconnectTimer >= 0 || closed) {
      return;
    }
    long wait = Math.max(1, failover.delay().toMillis());
    reconnectTimer = vertx.setTimer(wait, id -> {
      reconnectTimer = -1;
      if (closed || isConnected()) {
        return;
      }
      URI target = failover.next(System.nanoTime());
      connectTo(target)
          .onSuccess(v -> log.info("{} - reconnected to {}", self, target))
          .onFailure(err -> {
            log.debug("{} - reconnecting to {} failed: {}", self, target, err.toString());
            failover.failed();
            scheduleReconnect();
          });
    });
  }

  /** Server requests: the reconnect request is the connection's business, the rest the receiver's. */
  private Future<Integer> onServerRequest(Request request) {
    if (!RECONNECT_PATH.equals(request.getPath())) {
      return presence.onRequest(request).orElseGet(() -> receiver.onRequest(request));
    }
    ReconnectRequest ask;
    try {
      ask = ReconnectRequest.parseFrom(request.getBody());
    } catch (InvalidProtocolBufferException e) {
      ask = ReconnectRequest.getDefaultInstance();
    }
    log.info("{} - server asks to reconnect elsewhere: {}", self, ask.getReason());
    if (failover != null && connectedTo != null) {
      failover.avoid(connectedTo, Duration.ofMillis(ask.getAvoidMs()), System.nanoTime());
    }
    return Future.succeededFuture(200);
  }

  public boolean isConnected() {
    WireConnection open = connection;
    return open != null && !open.isClosed();
  }

  private Future<Void> connectWith(Supplier<Future<WireConnection>> opener) {
    return onContext(() -> {
      if (closed) {
        return Future.failedFuture(new IllegalStateException("client closed"));
      }
      if (isConnected()) {
        return Future.failedFuture(new IllegalStateException("already connected"));
      }
      return opener.get().compose(opened -> {
        opened.onRequest(this::onServerRequest).onClose(() -> onConnectionClosed(opened));
        return opened.authenticate(number, deviceId, password)
            .compose(auth -> {
              connection = opened;
              api.use(opened);
              startKeepalive(opened);
              log.info("{} - connected", self);
              return keys.ensure();
            })
            .recover(err -> opened.close().transform(ignored -> Future.failedFuture(err)));
      });
    });
  }

  private void startKeepalive(WireConnection opened) {
    long timer = vertx.setPeriodic(keepalive.toMillis(), id -> {
      if (opened.isClosed()) {
        vertx.cancelTimer(id);
        return;
      }
      opened.call("GET", "/v1/keepalive", Empty.getDefaultInstance(), Empty.parser())
          .onFailure(err -> log.debug("{} - keepalive failed: {}", self, err.toString()));
    });
    stopKeepalive();
    keepaliveTimer = timer;
  }

  private void stopKeepalive() {
    if (keepaliveTimer >= 0) {
      vertx.cancelTimer(keepaliveTimer);
      keepaliveTimer = -1;
    }
  }

  private void onConnectionClosed(WireConnection closedConnection) {
    api.forget(closedConnection);
    if (connection == closedConnection) {
      stopKeepalive();
      connection = null;
      if (!closed) {
        log.info("{} - disconnected", self);
        listener.onDisconnected();
        if (reconnecting) {
          scheduleReconnect();
        }
      }
    }
  }

  // ------------------------------------------------------------------ messages

  /**
   * Sends {@code text} to every device of {@code to}, then the sent transcript (same message
   * id) to this account's other devices. Completes at the single tick: the server stored it for
   * every device. Sends of one client go out one after another, in call order. Fails with
   * {@link IdentityChangedException} while {@code to}'s safety number changed and is not trusted.
   */
  public Future<SentMessage> send(String to, String text) {
    if (to == null || !NUMBER.matcher(to).matches()) {
      return Future.failedFuture(new IllegalArgumentException("not an E.164 number: " + to));
    }
    return onContext(() -> {
      Future<SentMessage> next = sendTail.transform(ignored -> sendNow(to, Content.newBuilder().setText(text).build()));
      sendTail = next;
      return next;
    });
  }

  /**
   * Sends a file: encrypts it with a fresh key (AES-256-CBC + HMAC-SHA256), uploads the
   * ciphertext to the media server (resuming after broken connections), then sends the key,
   * digest and size to {@code to} inside an end-to-end encrypted message with {@code caption}
   * (may be empty), like {@link #send}. The recipient gets it in
   * {@link IncomingMessage#attachments()} and saves it with {@link #saveAttachment}.
   */
  public Future<SentMessage> sendFile(String to, Path file, String caption) {
    if (to == null || !NUMBER.matcher(to).matches()) {
      return Future.failedFuture(new IllegalArgumentException("not an E.164 number: " + to));
    }
    return onContext(() -> vertx.executeBlocking(() -> {
      String type = Files.probeContentType(file);
      return type == null ? "application/octet-stream" : type;
    }, false)
        .compose(type -> attachments.upload(file, type))
        .compose(pointer -> {
          Content content = Content.newBuilder().setText(caption == null ? "" : caption).addAttachments(pointer).build();
          Future<SentMessage> next = sendTail.transform(ignored -> sendNow(to, content));
          sendTail = next;
          return next;
        }));
  }

  /**
   * Downloads an attachment, checks it against the digest and MAC its pointer carries, and
   * decrypts it into {@code directory} under the sender's file name (made unique). Fails with
   * {@link AttachmentIntegrityException}, saving nothing, when the blob was altered.
   */
  public Future<Path> saveAttachment(AttachmentPointer pointer, Path directory) {
    return onContext(() -> attachments.save(pointer, directory));
  }

  /**
   * Records the message as sent to {@code to} (the receipts that come back are checked against
   * it), sends the transcript to this account's other devices, then the message: in that order,
   * so another device has the transcript in its queue before any receipt of the message.
   */
  private Future<SentMessage> sendNow(String to, Content content) {
    MessageId id = MessageId.random();
    long now = clock.millis();
    byte[] transcript = ContentCodec.encode(content.toBuilder().setSentTo(to).build());
    return crypto.run(() -> {
      sent.record(id, List.of(to));
      return null;
    }).compose(v -> sender.send(number, transcript, id, now))
        .compose(own -> (to.equals(number) ? Future.succeededFuture(own) : sender.send(to, ContentCodec.encode(content), id, now))
            .map(tick -> new SentMessage(id, to, now, tick.getServerTimestamp(), tick.getDuplicate())));
  }

  // ------------------------------------------------------------------ calls

  /**
   * How long an unanswered call rings: the caller hangs up after it ({@link CallEvent.Kind#NO_ANSWER}),
   * and a callee whose caller went silent stops ringing ({@link CallEvent.Kind#MISSED}).
   */
  public SealpostClient ringTimeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("ring timeout must be positive");
    }
    context.runOnContext(v -> calls.ringTimeout(timeout));
    return this;
  }

  /**
   * Calls {@code to}: sends {@code sdpOffer} (end-to-end encrypted) to its connected devices,
   * which ring ({@link CallEvent.Kind#RINGING}). The answer, ICE candidates, busy or hangup come
   * to the listener's {@link ClientListener#onCall}. When no device of {@code to} is connected,
   * the result says not reachable and the callee sees a missed call once it connects.
   */
  public Future<OutgoingCall> call(String to, String sdpOffer) {
    if (to == null || !NUMBER.matcher(to).matches() || to.equals(number)) {
      return Future.failedFuture(new IllegalArgumentException("not another account's E.164 number: " + to));
    }
    return onContext(() -> calls.call(to, sdpOffer));
  }

  /** Answers a ringing incoming call with {@code sdpAnswer}. */
  public Future<Void> answerCall(String callId, String sdpAnswer) {
    return onContext(() -> calls.answer(callId, sdpAnswer));
  }

  /** Sends more ICE candidates of this side to the peer of a call. */
  public Future<Void> sendIceCandidates(String callId, List<String> candidates) {
    return onContext(() -> calls.iceCandidates(callId, candidates));
  }

  /** Ends a call (ringing or established, either side). */
  public Future<Void> hangUp(String callId) {
    return onContext(() -> calls.hangUp(callId));
  }

  /** Refuses a ringing incoming call as busy. */
  public Future<Void> busy(String callId) {
    return onContext(() -> calls.busy(callId));
  }

  // ------------------------------------------------------------------ groups

  /** Creates a group with this account as its admin; {@code name} reaches the server only encrypted. */
  public Future<GroupInfo> createGroup(String name, List<String> members) {
    for (String member : members) {
      if (member == null || !NUMBER.matcher(member).matches()) {
        return Future.failedFuture(new IllegalArgumentException("not an E.164 number: " + member));
      }
    }
    return onContext(() -> groups.create(name, members));
  }

  /** The group as the server has it (members only). */
  public Future<GroupInfo> group(String groupId) {
    return onContext(() -> groups.get(groupId));
  }

  public Future<GroupInfo> addGroupMembers(String groupId, List<String> members) {
    return onContext(() -> groups.add(groupId, members));
  }

  /** Removes a member (admins), or leaves the group when {@code member} is this account's number. */
  public Future<GroupInfo> removeGroupMember(String groupId, String member) {
    return onContext(() -> groups.remove(groupId, member));
  }

  /**
   * Sends {@code text} to every other member device of the group, encrypted once with this
   * device's sender key (distributed first to members that lack it). Completes at the single tick.
   * Sends of one client (1:1 and group) go out one after another, in call order.
   */
  public Future<SentMessage> sendGroup(String groupId, String text) {
    return onContext(() -> {
      Future<SentMessage> next = sendTail.transform(ignored -> groups.send(groupId, text));
      sendTail = next;
      return next;
    });
  }

  /** The group's name as this device knows it (no server round trip), or its id when unknown. */
  public Future<String> groupName(String groupId) {
    return onContext(() -> groups.localName(groupId));
  }

  /** Tests: a group message as {@link #sendGroup} would encrypt it, not sent. */
  Future<byte[]> encryptGroupMessage(String groupId, String text) {
    return onContext(() -> groups.encryptOnly(groupId, text));
  }

  /** Tests: decrypts a Sender-Key ciphertext; fails when this device holds no key that opens it. */
  Future<String> decryptGroupMessage(String source, int sourceDevice, byte[] ciphertext) {
    return onContext(() -> groups.decryptOnly(source, sourceDevice, ciphertext));
  }

  /** Tells {@code sender}'s devices that these messages of theirs were read here (blue ticks). */
  public Future<Void> markRead(String sender, List<MessageId> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    ReadReceiptRequest.Builder request = ReadReceiptRequest.newBuilder().setDestination(sender)
        .setTimestamp(clock.millis());
    ids.forEach(id -> request.addMessageIds(id.bytes()));
    return onContext(() -> api.call("PUT", "/v1/receipts/read", request.build(), Empty.parser()).mapEmpty());
  }

  // ------------------------------------------------------------------ presence, privacy, contacts, blocking

  /**
   * Watches these numbers' presence while this connection lasts (subscribe again after a
   * reconnect): completes with the current state of those this account may see; changes arrive at
   * {@link ClientListener#onPresence}. Needs {@link #connect()} first. Numbers outside the uploaded
   * contacts count against the server's contact-discovery limit.
   */
  public Future<List<Presence>> subscribePresence(List<String> numbers) {
    return onContext(() -> isConnected() ? presence.subscribe(numbers)
        : Future.failedFuture(new IllegalStateException("presence needs a connection: connect() first")));
  }

  public Future<Void> unsubscribePresence(List<String> numbers) {
    return onContext(() -> presence.unsubscribe(numbers));
  }

  /** Tells {@code to}'s connected devices this device is composing (true) or paused (false). */
  public Future<Void> typing(String to, boolean composing) {
    return onContext(() -> presence.typing(to, null, composing));
  }

  /** Typing in a group this account is a member of. */
  public Future<Void> typingInGroup(String groupId, boolean composing) {
    return onContext(() -> presence.typing(null, groupId, composing));
  }

  /** This account's privacy settings. */
  public Future<org.sealpost.protocol.PrivacySettings> privacy() {
    return onContext(presence::privacy);
  }

  /** Replaces this account's privacy settings; completes with them as stored. */
  public Future<org.sealpost.protocol.PrivacySettings> setPrivacy(org.sealpost.protocol.PrivacySettings settings) {
    return onContext(() -> presence.setPrivacy(settings));
  }

  /**
   * Replaces this account's contacts on the server with {@code numbers} (E.164, sent in the clear:
   * see docs/architecture.md) and completes with those that have an account. "My contacts" in the
   * privacy settings means these numbers.
   */
  public Future<List<String>> uploadContacts(List<String> numbers) {
    return onContext(() -> presence.uploadContacts(numbers));
  }

  /** Blocks {@code number}: its messages are refused and it sees none of this account's presence. */
  public Future<Void> block(String number) {
    return onContext(() -> presence.block(number));
  }

  public Future<Void> unblock(String number) {
    return onContext(() -> presence.unblock(number));
  }

  /** The numbers this account blocks. */
  public Future<List<String>> blocked() {
    return onContext(presence::blocked);
  }

  // ------------------------------------------------------------------ push

  /**
   * Registers where this device can be woken while it has no connection and messages wait
   * (replacing any earlier registration): {@code value} is the APNs device token (hex), the FCM
   * registration token, or the webhook URL. The wake-up carries no content: connect to fetch.
   */
  public Future<Void> registerPush(org.sealpost.protocol.PushType type, String value) {
    org.sealpost.protocol.PushToken.Builder token = org.sealpost.protocol.PushToken.newBuilder().setType(type);
    if (type == org.sealpost.protocol.PushType.WEBHOOK) {
      token.setUrl(value);
    } else {
      token.setToken(value);
    }
    return registerPush(token.build());
  }

  /** {@link #registerPush(org.sealpost.protocol.PushType, String)} with every field (an APNs topic). */
  public Future<Void> registerPush(org.sealpost.protocol.PushToken token) {
    return onContext(() -> api.call("PUT", "/v1/push/token", token, Empty.parser()).mapEmpty());
  }

  /** This device's registered push token, if any (a provider's "unregistered" removes it). */
  public Future<java.util.Optional<org.sealpost.protocol.PushToken>> pushToken() {
    return onContext(() -> api.call("GET", "/v1/push/token", Empty.getDefaultInstance(),
            org.sealpost.protocol.PushToken.parser())
        .map(java.util.Optional::of)
        .recover(err -> err instanceof RequestFailedException e && e.status() == 404
            ? Future.succeededFuture(java.util.Optional.empty())
            : Future.failedFuture(err)));
  }

  /** Stops wake-ups for this device. */
  public Future<Void> unregisterPush() {
    return onContext(() -> api.call("DELETE", "/v1/push/token", Empty.getDefaultInstance(), Empty.parser()).mapEmpty());
  }

  // ------------------------------------------------------------------ identities

  /**
   * The safety number with each device of {@code number} this device knows; for a number never
   * contacted, its keys are fetched first (setting up the sessions a first message would).
   */
  public Future<List<SafetyNumber>> safetyNumbers(String contact) {
    return onContext(() -> crypto.run(() -> store.identitiesOf(contact).isEmpty())
        .compose(unknown -> unknown ? sender.startSessions(contact) : Future.succeededFuture())
        .compose(v -> crypto.run(() -> SafetyNumbers.of(store, number, contact))));
  }

  /**
   * Accepts {@code contact}'s changed identity keys: sending to it works again, and messages
   * held since the change are decrypted and handed to the listener. Completes with how many of
   * its devices had a changed key (0: nothing was waiting to be trusted).
   */
  public Future<Integer> trust(String contact) {
    return onContext(() -> crypto.run(() -> store.trustPending(contact))
        .compose(devices -> {
          if (!devices.isEmpty()) {
            log.info("{} - trusted new identity of {} on {} device(s)", self, Redact.number(contact), devices.size());
          }
          return receiver.releaseHeld(contact).map(released -> devices.size());
        }));
  }

  // ------------------------------------------------------------------ devices and keys

  /** A code for linking a new device to this account (primary device only). */
  public Future<LinkCode> createLinkCode() {
    return onContext(() -> api.call("POST", "/v1/devices/link-code", Empty.getDefaultInstance(), LinkCode.parser()));
  }

  public Future<DeviceList> devices() {
    return onContext(() -> api.call("GET", "/v1/devices", Empty.getDefaultInstance(), DeviceList.parser()));
  }

  /**
   * Removes a linked device of this account (the primary removes any, another device only
   * itself); its connection closes and its queue and keys go.
   */
  public Future<Void> removeDevice(int deviceId) {
    return onContext(() -> api.call("DELETE", "/v1/devices/" + deviceId, Empty.getDefaultInstance(), Empty.parser())
        .mapEmpty());
  }

  // ------------------------------------------------------------------ the account itself

  /** Has the server send a deletion code to this account's number (primary device only). */
  public Future<DeletionCodeResponse> requestDeletionCode() {
    return onContext(() -> api.call("POST", "/v1/accounts/me/deletion-code", Empty.getDefaultInstance(),
        DeletionCodeResponse.parser()));
  }

  /**
   * Deletes this account on the server, everywhere, confirmed by this device's password and the
   * code {@link #requestDeletionCode} sent to the number. This device's state is useless after.
   */
  public Future<Void> deleteAccount(String code) {
    DeleteAccountRequest request = DeleteAccountRequest.newBuilder().setPassword(password).setCode(code).build();
    return onContext(() -> api.call("DELETE", "/v1/accounts/me", request, Empty.parser()).mapEmpty());
  }

  /** What the server holds about this account (docs/protocol.md, "Deleting an account and exporting its data"). */
  public Future<AccountExport> exportAccount() {
    return onContext(() -> api.call("GET", "/v1/accounts/me/export", Empty.getDefaultInstance(), AccountExport.parser()));
  }

  /** How many of this device's one-time keys the server has left. */
  public Future<PreKeyCount> serverKeyCount() {
    return onContext(() -> api.call("GET", "/v1/keys/count", Empty.getDefaultInstance(), PreKeyCount.parser()));
  }

  // ------------------------------------------------------------------ life

  /**
   * Closes the connection, lets the work in flight finish (a message being handed over still
   * gets recorded), and releases the state directory; the state stays for {@link #open}.
   */
  public Future<Void> close() {
    return onContext(() -> {
      if (closed) {
        return Future.succeededFuture();
      }
      closed = true;
      stopKeepalive();
      if (reconnectTimer >= 0) {
        vertx.cancelTimer(reconnectTimer);
        reconnectTimer = -1;
      }
      WireConnection open = connection;
      connection = null;
      Future<Void> disconnected = open == null ? Future.succeededFuture() : open.close();
      return disconnected
          .transform(ignored -> Future.join(sendTail, receiver.idle(), calls.idle()))
          .transform(ignored -> crypto.close())
          .transform(ignored -> attachments.close())
          .transform(ignored -> rest.close())
          .transform(ignored -> vertx.executeBlocking(() -> {
            lock.close();
            return null;
          }))
          .onComplete(done -> log.info("{} - closed", self))
          .mapEmpty();
    });
  }

  private <T> Future<T> onContext(Supplier<Future<T>> action) {
    return onContext(context, action);
  }

  /** Runs {@code action} on {@code context}, so callers on any thread share the client's one context. */
  private static <T> Future<T> onContext(Context context, Supplier<Future<T>> action) {
    if (Vertx.currentContext() == context) {
      return action.get();
    }
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> {
      try {
        action.get().onComplete(promise);
      } catch (RuntimeException e) {
        promise.fail(e);
      }
    });
    return promise.future();
  }
}
