package org.sealpost.client;

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
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.sealpost.client.proto.AttachmentPointer;
import org.sealpost.client.proto.Content;
import org.sealpost.client.proto.LocalAccount;
import org.sealpost.protocol.AccountExport;
import org.sealpost.protocol.DeletionCodeResponse;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.DeviceList;
import org.sealpost.protocol.LinkCode;
import org.sealpost.protocol.PreKeyCount;
import org.sealpost.protocol.PrivacySettings;
import org.sealpost.protocol.PushToken;
import org.sealpost.protocol.PushType;
import org.sealpost.protocol.RequestCodeResponse;
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
 * <p>Key transparency: the server logs every identity key it hands out in a Merkle tree whose
 * heads it signs; the log's key is pinned at registration. Keys fetched to send are used only
 * when proved in the log ({@link KeyTransparencyException} otherwise), a connected client audits
 * the log for keys bound to its own number ({@link #auditKeyLog()}), and messages carry the
 * sender's latest head so two devices shown different logs find out
 * ({@link ClientListener#onKeyLogAlert}).
 *
 * <p>Every method may be called from any thread; the work runs on the client's Vert.x context,
 * and all cryptography and state-file I/O on its single {@link CryptoWorker} thread, which keeps
 * libsignal's non-thread-safe ciphers to one operation at a time and off the event loop.
 *
 * <p>This class is the SDK's public face and nothing else: it makes a device's collaborators,
 * checks arguments, moves each call onto the client's context and hands it to the collaborator
 * that does the work ({@link ConnectionSupervisor}, {@link Outbox}, {@link MessageReceiver},
 * {@link Calls}, {@link GroupMessenger}, {@link PresenceClient}, {@link ContactIdentities},
 * {@link AccountClient}, {@link PushRegistration}, {@link Attachments}, and for key transparency
 * {@link KeyLogHeads}, {@link KeyLogMonitor}, {@link ContactKeyLog}). Its length is the public
 * API's, a documented method and a line of delegation each, which callers use as one object.
 */
public final class SealpostClient {
  private static final Logger log = LoggerFactory.getLogger(SealpostClient.class);
  private static final Pattern NUMBER = Pattern.compile("\\+[1-9][0-9]{6,14}");
  /** A third of the server's default idle timeout (90 s), so one lost keepalive does not cost the connection. */
  public static final Duration DEFAULT_KEEPALIVE = Duration.ofSeconds(30);
  /** How long an unanswered call rings before the caller hangs up (and the callee shows it missed). */
  public static final Duration DEFAULT_RING_TIMEOUT = Duration.ofSeconds(45);
  /** How often a connected client audits the key log for keys bound to its number. */
  public static final Duration DEFAULT_KEY_LOG_AUDIT_INTERVAL = Duration.ofMinutes(10);

  private final Vertx vertx;
  private final Context context;
  private final StateLock lock;
  private final RestClient rest;
  private final CryptoWorker crypto;
  private final KeyUploader keys;
  private final MessageReceiver receiver;
  private final Calls calls;
  private final PresenceClient presence;
  private final GroupMessenger groups;
  private final Attachments attachments;
  private final Outbox outbox;
  private final ContactIdentities identities;
  private final AccountClient account;
  private final PushRegistration push;
  private final Keepalive keepalive;
  private final ConnectionSupervisor connection;
  private final KeyLogHeads keyLogHeads;
  private final KeyLogMonitor keyLogMonitor;
  private final KeyLogAuditSchedule keyLogAudits;
  private final ContactKeyLog contactKeyLog;
  private final String number;
  private final int deviceId;
  private final URI server;
  private final String self;
  private volatile ClientListener listener = new ClientListener() { };
  private boolean closed;

  private SealpostClient(Vertx vertx, Context context, StateLock lock, FileProtocolStore store, List<URI> servers) {
    LocalAccount stored = store.account();
    Clock clock = Clock.systemUTC();
    this.vertx = vertx;
    this.context = context;
    this.lock = lock;
    this.number = stored.getNumber();
    this.deviceId = stored.getDeviceId();
    this.server = servers.isEmpty() ? URI.create(stored.getServerUrl()) : servers.get(0);
    this.self = Redact.device(number, deviceId);
    DeviceCredentials credentials = DeviceCredentials.newBuilder().setNumber(number).setDeviceId(deviceId)
        .setPassword(stored.getPassword()).build();
    this.rest = new RestClient(vertx, servers.isEmpty() ? List.of(server) : servers);
    this.crypto = new CryptoWorker(vertx);
    ServerApi api = new ServerApi(rest, credentials);
    this.keys = new KeyUploader(store, crypto, api, clock, self);
    KeyLogServer keyLog = KeyLogServer.over(api, rest);
    KeyLogStateFile keyLogState = new KeyLogStateFile(store.files());
    this.keyLogHeads = new KeyLogHeads(keyLogState, new LogKeyPin(keyLogState, crypto, keyLog, self), crypto, keyLog);
    this.keyLogMonitor = new KeyLogMonitor(keyLogState, keyLogHeads, crypto, keyLog, () -> listener, number, deviceId,
        store.getIdentityKeyPair().getPublicKey().serialize());
    this.keyLogAudits = new KeyLogAuditSchedule(vertx, keyLogMonitor, DEFAULT_KEY_LOG_AUDIT_INTERVAL, self);
    this.contactKeyLog = new ContactKeyLog(keyLog, keyLogHeads, crypto, store);
    MessageSender sender = new MessageSender(store, crypto, api, number, deviceId,
        new BundleProofs(keyLogHeads, crypto));
    SentLog sent = new SentLog(store.files());
    GroupSessions groupSessions = new GroupSessions(store, number, deviceId);
    this.calls = new Calls(vertx, sender, () -> listener, clock, DEFAULT_RING_TIMEOUT);
    this.receiver = new MessageReceiver(store, groupSessions, crypto, () -> listener, keys::refill, self, calls, sent,
        number, new SplitViewCheck(keyLogHeads, () -> listener, self));
    this.presence = new PresenceClient(api, () -> listener);
    this.groups = new GroupMessenger(groupSessions, sender, crypto, api, number, clock, sent, keyLogHeads);
    this.attachments = new Attachments(vertx, api, server, credentials, clock);
    this.outbox = new Outbox(crypto, sender, groups, sent, api, clock, number, keyLogHeads);
    this.identities = new ContactIdentities(store, crypto, sender, receiver, number, self);
    this.account = new AccountClient(api, stored.getPassword());
    this.push = new PushRegistration(api);
    this.keepalive = new Keepalive(vertx, DEFAULT_KEEPALIVE, self);
    this.connection = new ConnectionSupervisor(vertx, credentials, api, keys, keepalive,
        request -> presence.onRequest(request).orElseGet(() -> receiver.onRequest(request)
            .onSuccess(status -> {
              if (MessageReceiver.QUEUE_EMPTY_PATH.equals(request.getPath())) {
                keyLogAudits.onQueueDrained();
              }
            })), () -> listener, self);
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
          // The log key is fetched first: pinned with the account, before there is one to lose.
          return rest.keyLogKey()
              .map(logKey -> {
                LogKeyPin.decode(logKey.getPublicKey().toByteArray()); // refused before an account is made
                return logKey;
              })
              .compose(logKey -> enrollment.apply(rest, prepared.registrationId())
                  .map(credentials -> new Enrolled(credentials, logKey)))
              .eventually(rest::close)
              .compose(enrolled -> vertx.executeBlocking(
                  () -> prepared.save(enrolled.credentials(), server, enrolled.logKey())))
              .map(store -> new SealpostClient(vertx, context, prepared.lock(), store, List.of()))
              .onFailure(err -> vertx.executeBlocking(() -> {
                prepared.lock().close();
                return null;
              }));
        })
        // The log as it stands before this device's key is in it: the monitor audits from there on.
        .compose(client -> client.keyLogHeads.refresh().compose(head -> client.keys.uploadAll())
            .map(client)
            .recover(err -> client.close().transform(closed -> Future.failedFuture(err))))
        .onSuccess(client -> log.info("{} - device enrolled", client.self)));
  }

  /** What the server gave while enrolling: the device's credentials, and the key log's key to pin. */
  private record Enrolled(DeviceCredentials credentials, org.sealpost.protocol.KeyLogKey logKey) {}

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
    keepalive.interval(interval);
    return this;
  }

  /**
   * Connects over the WebSocket at the server URL's {@code /v1/websocket} and authenticates.
   * Completes once the server holds enough of this device's keys; queued messages then arrive
   * at the listener, followed by {@link ClientListener#onQueueEmpty()}.
   */
  public Future<Void> connect() {
    int port = server.getPort() > 0 ? server.getPort() : 80;
    return onContext(() -> connection.connect(() -> WireConnection.webSocket(vertx, server.getHost(), port)));
  }

  /** Like {@link #connect()}, over the server's TCP port (length-prefixed frames). */
  public Future<Void> connectTcp(int tcpPort) {
    return onContext(() -> connection.connect(() -> WireConnection.tcp(vertx, server.getHost(), tcpPort)));
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
    return onContext(() -> connection.connect(servers));
  }

  /** The node this client is connected to (or was last), when connected with {@link #connect(List)}. */
  public URI connectedServer() {
    return connection.connectedServer();
  }

  public boolean isConnected() {
    return connection.isConnected();
  }

  // ------------------------------------------------------------------ messages

  /**
   * Sends {@code text} to every device of {@code to}, then the sent transcript (same message
   * id) to this account's other devices. Completes at the single tick: the server stored it for
   * every device. Sends of one client go out one after another, in call order. Fails with
   * {@link IdentityChangedException} while {@code to}'s safety number changed and is not trusted.
   */
  public Future<SentMessage> send(String to, String text) {
    if (!isNumber(to)) {
      return Future.failedFuture(new IllegalArgumentException("not an E.164 number: " + to));
    }
    return onContext(() -> outbox.send(to, Content.newBuilder().setText(text).build()));
  }

  /**
   * As {@link #send(String, String)}, as message {@code id} chosen by the caller, so a send can be
   * made again safely: when a broken connection left it unknown whether the server stored the
   * first one, sending the same id again (within {@code messages.dedupeTtl}) is stored once and
   * the recipient gets one message; {@link SentMessage#isDuplicate()} then says the server had it.
   */
  public Future<SentMessage> send(String to, String text, MessageId id) {
    if (!isNumber(to)) {
      return Future.failedFuture(new IllegalArgumentException("not an E.164 number: " + to));
    }
    return onContext(() -> outbox.send(to, Content.newBuilder().setText(text).build(), id));
  }

  /**
   * Sends a file: encrypts it with a fresh key (AES-256-CBC + HMAC-SHA256), uploads the
   * ciphertext to the media server (resuming after broken connections), then sends the key,
   * digest and size to {@code to} inside an end-to-end encrypted message with {@code caption}
   * (may be empty), like {@link #send}. The recipient gets it in
   * {@link IncomingMessage#attachments()} and saves it with {@link #saveAttachment}.
   */
  public Future<SentMessage> sendFile(String to, Path file, String caption) {
    if (!isNumber(to)) {
      return Future.failedFuture(new IllegalArgumentException("not an E.164 number: " + to));
    }
    return onContext(() -> fileContent(file, caption).compose(content -> outbox.send(to, content)));
  }

  /**
   * Sends a file to a group: encrypted and uploaded once, as {@link #sendFile} does, then its key,
   * digest and size in one group message with {@code caption}, like {@link #sendGroup}.
   */
  public Future<SentMessage> sendGroupFile(String groupId, Path file, String caption) {
    return onContext(() -> fileContent(file, caption).compose(content -> outbox.sendGroup(groupId, content)));
  }

  /** Encrypts and uploads {@code file}: the content that carries its pointer. */
  private Future<Content> fileContent(Path file, String caption) {
    return vertx.executeBlocking(() -> {
      String type = Files.probeContentType(file);
      return type == null ? "application/octet-stream" : type;
    }, false)
        .compose(type -> attachments.upload(file, type))
        .map(pointer -> Content.newBuilder().setText(caption == null ? "" : caption).addAttachments(pointer).build());
  }

  /**
   * Downloads an attachment, checks it against the digest and MAC its pointer carries, and
   * decrypts it into {@code directory} under the sender's file name (made unique). Fails with
   * {@link AttachmentIntegrityException}, saving nothing, when the blob was altered.
   */
  public Future<Path> saveAttachment(AttachmentPointer pointer, Path directory) {
    return onContext(() -> attachments.save(pointer, directory));
  }

  /** Tells {@code sender}'s devices that these messages of theirs were read here (blue ticks). */
  public Future<Void> markRead(String sender, List<MessageId> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    return onContext(() -> outbox.markRead(sender, ids));
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
    if (!isNumber(to) || to.equals(number)) {
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
      if (!isNumber(member)) {
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
    return onContext(() -> outbox.sendGroup(groupId, Content.newBuilder().setText(text).build()));
  }

  /** As {@link #sendGroup(String, String)}, as message {@code id}, safe to send again as {@link #send(String, String, MessageId)} is. */
  public Future<SentMessage> sendGroup(String groupId, String text, MessageId id) {
    return onContext(() -> outbox.sendGroup(groupId, Content.newBuilder().setText(text).build(), id));
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
  public Future<PrivacySettings> privacy() {
    return onContext(presence::privacy);
  }

  /** Replaces this account's privacy settings; completes with them as stored. */
  public Future<PrivacySettings> setPrivacy(PrivacySettings settings) {
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
  public Future<Void> registerPush(PushType type, String value) {
    return registerPush(PushRegistration.token(type, value));
  }

  /** {@link #registerPush(PushType, String)} with every field (an APNs topic). */
  public Future<Void> registerPush(PushToken token) {
    return onContext(() -> push.register(token));
  }

  /** This device's registered push token, if any (a provider's "unregistered" removes it). */
  public Future<Optional<PushToken>> pushToken() {
    return onContext(push::token);
  }

  /** Stops wake-ups for this device. */
  public Future<Void> unregisterPush() {
    return onContext(push::unregister);
  }

  // ------------------------------------------------------------------ identities

  /**
   * The safety number with each device of {@code number} this device knows; for a number never
   * contacted, its keys are fetched first (setting up the sessions a first message would).
   */
  public Future<List<SafetyNumber>> safetyNumbers(String contact) {
    return onContext(() -> identities.safetyNumbers(contact));
  }

  /**
   * Accepts {@code contact}'s changed identity keys: sending to it works again, and messages
   * held since the change are decrypted and handed to the listener. Completes with how many of
   * its devices had a changed key (0: nothing was waiting to be trusted).
   */
  public Future<Integer> trust(String contact) {
    return onContext(() -> identities.trust(contact));
  }

  // ------------------------------------------------------------------ key transparency

  /**
   * How often a connected client audits the key log (default
   * {@link #DEFAULT_KEY_LOG_AUDIT_INTERVAL}); it also audits each time a connection's queue drained.
   */
  public SealpostClient keyLogAuditInterval(Duration interval) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("key log audit interval must be positive");
    }
    context.runOnContext(v -> keyLogAudits.interval(interval));
    return this;
  }

  /**
   * Audits the server's key log now: reads the entries appended since the last audit, checks
   * them against the log's signed heads, and reports keys bound to this account's number that are
   * not this device's ({@link ClientListener#onKeyLogAlert}, once each). Fails with
   * {@link KeyTransparencyException} when the log's proofs do not hold.
   */
  public Future<KeyLogAudit> auditKeyLog() {
    return onContext(keyLogMonitor::audit);
  }

  /**
   * {@code contact}'s devices as the key log has them, each entry's proof and the head checked,
   * and each logged key compared with the one this device holds. Fails with
   * {@link KeyTransparencyException} when the head does not verify or is not consistent with
   * this device's view.
   */
  public Future<List<LoggedKeyCheck>> checkLoggedKeys(String contact) {
    if (!isNumber(contact)) {
      return Future.failedFuture(new IllegalArgumentException("not an E.164 number: " + contact));
    }
    return onContext(() -> contactKeyLog.check(contact));
  }

  // ------------------------------------------------------------------ devices and keys

  /** A code for linking a new device to this account (primary device only). */
  public Future<LinkCode> createLinkCode() {
    return onContext(account::createLinkCode);
  }

  public Future<DeviceList> devices() {
    return onContext(account::devices);
  }

  /**
   * Removes a linked device of this account (the primary removes any, another device only
   * itself); its connection closes and its queue and keys go.
   */
  public Future<Void> removeDevice(int deviceId) {
    return onContext(() -> account.removeDevice(deviceId));
  }

  // ------------------------------------------------------------------ the account itself

  /** Has the server send a deletion code to this account's number (primary device only). */
  public Future<DeletionCodeResponse> requestDeletionCode() {
    return onContext(account::requestDeletionCode);
  }

  /**
   * Deletes this account on the server, everywhere, confirmed by this device's password and the
   * code {@link #requestDeletionCode} sent to the number. This device's state is useless after.
   */
  public Future<Void> deleteAccount(String code) {
    return onContext(() -> account.deleteAccount(code));
  }

  /** What the server holds about this account (docs/protocol.md, "Deleting an account and exporting its data"). */
  public Future<AccountExport> exportAccount() {
    return onContext(account::exportAccount);
  }

  /** How many of this device's one-time keys the server has left. */
  public Future<PreKeyCount> serverKeyCount() {
    return onContext(account::serverKeyCount);
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
      keyLogAudits.stop();
      // An audit in flight finishes over the open connection first: closed under it, its request
      // would wait for the socket's close handshake to fail.
      return keyLogMonitor.idle()
          .transform(ignored -> connection.close())
          .transform(ignored -> Future.join(outbox.idle(), receiver.idle(), calls.idle()))
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

  /** True for a phone number in E.164 form, as accounts are named. */
  public static boolean isNumber(String candidate) {
    return candidate != null && NUMBER.matcher(candidate).matches();
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
