package org.sealpost.accounts;

import io.vertx.core.Future;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.sealpost.api.Authenticator;
import org.sealpost.api.DeviceKey;
import org.sealpost.api.PhoneNumbers;
import org.sealpost.config.AccountsConfig;
import org.sealpost.errors.ErrorCode;
import org.sealpost.errors.SealpostException;
import org.sealpost.limits.Limit;
import org.sealpost.limits.RateLimiters;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.DeviceInfo;
import org.sealpost.protocol.DeviceList;
import org.sealpost.protocol.LinkCode;
import org.sealpost.protocol.LinkDeviceRequest;
import org.sealpost.protocol.RequestCodeResponse;
import org.sealpost.protocol.VerifyCodeRequest;
import org.sealpost.routing.Router;
import org.sealpost.store.AccountStore;
import org.sealpost.store.CodeStore;
import org.sealpost.store.MessageQueueStore;
import org.sealpost.store.PreKeyStore;
import org.sealpost.store.PrivacyStore;
import org.sealpost.store.PushTokenStore;
import org.sealpost.store.proto.AccountRecord;
import org.sealpost.store.proto.CodeRecord;
import org.sealpost.store.proto.DeviceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registration by phone number, device credentials, and linked devices. Plain logic over the
 * stores; every method returns a future and fails with a {@link SealpostException}.
 */
public final class AccountsService implements Authenticator {
  private static final Logger log = LoggerFactory.getLogger(AccountsService.class);
  public static final int PRIMARY_DEVICE_ID = 1;
  private static final String LINK_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  private static final java.util.regex.Pattern SESSION_ID = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private final AccountsConfig config;
  private final AccountStore accounts;
  private final CodeStore codes;
  private final MessageQueueStore queues;
  private final PreKeyStore preKeys;
  private final PrivacyStore privacy;
  private final PushTokenStore pushTokens;
  private final RateLimiters limits;
  private final VerificationSender sender;
  private final Router router;
  private final Clock clock;
  private final SecureRandom random;
  private final Credentials credentials;

  public AccountsService(AccountsConfig config, AccountStore accounts, CodeStore codes, MessageQueueStore queues,
      PreKeyStore preKeys, PrivacyStore privacy, PushTokenStore pushTokens, RateLimiters limits, VerificationSender sender, Router router,
      Clock clock, SecureRandom random) {
    this.config = config;
    this.accounts = accounts;
    this.codes = codes;
    this.queues = queues;
    this.preKeys = preKeys;
    this.privacy = privacy;
    this.pushTokens = pushTokens;
    this.limits = limits;
    this.sender = sender;
    this.router = router;
    this.clock = clock;
    this.random = random;
    this.credentials = new Credentials(random);
  }

  /**
   * Opens a registration session for the number: a fresh 6-digit code, sent (test numbers get
   * their fixed code, unsent), and bound to the session, whose id goes back only to the requester.
   * Another request for the number opens another session and leaves this one's code alone.
   */
  public Future<RequestCodeResponse> requestCode(String number, String clientIp) {
    return validated(() -> PhoneNumbers.require(number, "number"))
        .compose(n -> limits.check(Limit.REGISTRATION_CODE_PER_IP, clientIp))
        .compose(v -> limits.check(Limit.REGISTRATION_CODE_PER_IP_AND_NUMBER, clientIp + "|" + number))
        .compose(v -> limits.check(Limit.REGISTRATION_CODE_PER_NUMBER, number))
        .compose(v -> {
          String session = newSessionId();
          return sendCode(number, verificationKey(number, session))
              .map(expiresAt -> RequestCodeResponse.newBuilder().setExpiresAt(expiresAt).setSessionId(session).build());
        });
  }

  /**
   * Stores a fresh 6-digit code for the number under {@code key} and sends it to the number (test
   * numbers get their fixed code, unsent); completes with when it expires. What proves that the
   * caller holds the number's phone: registration and an account's deletion ask for one.
   */
  public Future<Long> sendCode(String number, String key) {
    String fixed = config.testCode(number).orElse(null);
    String code = fixed != null ? fixed : String.format("%06d", random.nextInt(1_000_000));
    long expiresAt = clock.millis() + config.codeTtl().toMillis();
    CodeRecord record = CodeRecord.newBuilder().setCode(code).setNumber(number).setExpiresAt(expiresAt).build();
    return codes.put(key, record)
        .compose(stored -> fixed != null ? Future.<Void>succeededFuture() : sender.send(number, code))
        .map(sent -> expiresAt);
  }

  /** Checks a code {@link #sendCode} stored under {@code key}; fails FORBIDDEN unless it matches. */
  public Future<Void> checkCode(String key, String code, String what) {
    return codes.check(key, code, clock.millis(), config.maxCodeAttempts())
        .compose(check -> check == CodeStore.CodeCheck.MATCH
            ? Future.<Void>succeededFuture()
            : Future.failedFuture(SealpostException.forbidden("wrong or expired " + what)));
  }

  /**
   * Checks the code and creates the account with its primary device, replacing any previous
   * account of the number: the old devices' credentials stop working, their connections are
   * closed and their queues (ciphertext for keys that no longer exist) and prekeys (which senders
   * would otherwise keep encrypting to) are cleared, and so are the previous owner's privacy
   * settings, contacts and blocks (a new owner starts with the defaults; blocks others hold
   * against the number stay).
   */
  public Future<DeviceCredentials> verify(VerifyCodeRequest request, String clientIp) {
    String number = request.getNumber();
    String session = request.getSessionId();
    return validated(() -> {
      PhoneNumbers.require(number, "number");
      requireRegistrationId(request.getRegistrationId());
      requireSessionId(session);
      return number;
    })
        .compose(n -> limits.check(Limit.VERIFY_PER_IP, clientIp))
        .compose(v -> limits.check(Limit.VERIFY_PER_SESSION, number + "|" + session))
        .compose(v -> checkCode(verificationKey(number, session), request.getCode(), "verification code"))
        .compose(v -> accounts.pendingDeletion(number))
        .compose(deleting -> deleting.isEmpty()
            ? Future.succeededFuture()
            : Future.failedFuture(new SealpostException(ErrorCode.CONFLICT,
                "the account of this number is being deleted; try again in a minute")))
        .compose(v -> {
          String password = credentials.newPassword();
          long now = clock.millis();
          AccountRecord account = AccountRecord.newBuilder()
              .setNumber(number)
              .setCreated(now)
              .setNextDeviceId(PRIMARY_DEVICE_ID + 1)
              .addDevices(newDevice(PRIMARY_DEVICE_ID, request.getDeviceName(), request.getRegistrationId(), password, now))
              .build();
          return accounts.create(account)
              .compose(replaced -> replaced.map(this::retire).orElse(Future.succeededFuture()))
              .map(done -> {
                log.info("registered account {}", PhoneNumbers.redact(number));
                return credentialsOf(number, PRIMARY_DEVICE_ID, password);
              });
        });
  }

  /** Checks device credentials; the account's record on success. */
  public Future<AccountRecord> authenticate(String number, int deviceId, String password, String clientIp) {
    return accounts.get(number == null ? "" : number).compose(account -> {
      Optional<DeviceRecord> device = account.flatMap(a -> device(a, deviceId));
      if (device.isPresent() && Credentials.matches(device.get().getPasswordSalt(), device.get().getPasswordHash(), password)) {
        return Future.succeededFuture(account.get());
      }
      return limits.check(Limit.AUTH_FAILURE_PER_IP, clientIp)
          .compose(v -> Future.failedFuture(SealpostException.unauthorized("invalid credentials")));
    });
  }

  @Override
  public Future<DeviceKey> authenticateDevice(String number, int deviceId, String password, String clientIp) {
    return authenticate(number, deviceId, password, clientIp).map(account -> new DeviceKey(account.getNumber(), deviceId));
  }

  /** A single-use code with which a new device joins the account; primary device only. */
  public Future<LinkCode> createLinkCode(DeviceKey caller) {
    if (caller.deviceId() != PRIMARY_DEVICE_ID) {
      return Future.failedFuture(SealpostException.forbidden("only the primary device can link devices"));
    }
    StringBuilder code = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      code.append(LINK_ALPHABET.charAt(random.nextInt(LINK_ALPHABET.length())));
    }
    long expiresAt = clock.millis() + config.linkCodeTtl().toMillis();
    CodeRecord record = CodeRecord.newBuilder().setCode(code.toString()).setNumber(caller.number())
        .setExpiresAt(expiresAt).build();
    return codes.put(linkKey(caller.number()), record)
        .map(v -> LinkCode.newBuilder().setCode(code.toString()).setExpiresAt(expiresAt).build());
  }

  /** Adds a device to an account with a link code from its primary device. */
  public Future<DeviceCredentials> link(LinkDeviceRequest request, String clientIp) {
    String number = request.getNumber();
    return validated(() -> {
      PhoneNumbers.require(number, "number");
      requireRegistrationId(request.getRegistrationId());
      return number;
    })
        .compose(n -> limits.check(Limit.LINK_DEVICE_PER_NUMBER, number))
        .compose(v -> checkCode(linkKey(number), request.getLinkCode(), "link code"))
        .compose(v -> {
          String password = credentials.newPassword();
          DeviceRecord device = newDevice(0, request.getDeviceName(), request.getRegistrationId(), password, clock.millis());
          return accounts.addDevice(number, device, config.maxDevices())
              .map(added -> {
                log.info("linked device {} to account {}", added.getId(), PhoneNumbers.redact(number));
                return credentialsOf(number, added.getId(), password);
              });
        });
  }

  public Future<DeviceList> devices(DeviceKey caller) {
    return account(caller.number()).map(account -> {
      DeviceList.Builder list = DeviceList.newBuilder();
      for (DeviceRecord d : account.getDevicesList()) {
        list.addDevices(DeviceInfo.newBuilder().setDeviceId(d.getId()).setName(d.getName())
            .setRegistrationId(d.getRegistrationId()).setCreated(d.getCreated()));
      }
      return list.build();
    });
  }

  /** Removes a device (the primary may remove any linked device; a device may remove itself). */
  public Future<Void> removeDevice(DeviceKey caller, int deviceId) {
    if (deviceId == PRIMARY_DEVICE_ID) {
      return Future.failedFuture(SealpostException.forbidden("the primary device cannot be removed; re-register instead"));
    }
    if (caller.deviceId() != PRIMARY_DEVICE_ID && caller.deviceId() != deviceId) {
      return Future.failedFuture(SealpostException.forbidden("only the primary device can remove other devices"));
    }
    DeviceKey removed = new DeviceKey(caller.number(), deviceId);
    return accounts.removeDevice(caller.number(), deviceId)
        .compose(existed -> existed
            ? Future.succeededFuture()
            : Future.failedFuture(SealpostException.notFound("no device " + deviceId)))
        .compose(v -> Future.all(router.closeConnection(removed, "device removed"), queues.clear(removed),
            preKeys.clear(removed), pushTokens.remove(removed)))
        .mapEmpty();
  }

  public Future<AccountRecord> account(String number) {
    return accounts.get(number).compose(account -> account
        .map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(SealpostException.notFound("no such account"))));
  }

  public static Optional<DeviceRecord> device(AccountRecord account, int deviceId) {
    for (DeviceRecord d : account.getDevicesList()) {
      if (d.getId() == deviceId) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }

  private Future<Void> retire(AccountRecord old) {
    List<Future<?>> work = new ArrayList<>();
    for (DeviceRecord d : old.getDevicesList()) {
      DeviceKey key = new DeviceKey(old.getNumber(), d.getId());
      work.add(router.closeConnection(key, "account re-registered"));
      work.add(queues.clear(key));
      work.add(preKeys.clear(key));
      work.add(pushTokens.remove(key)); // the old owner's phone must not be woken for the new owner
    }
    // The new owner must not inherit who the old one hid from, listed or blocked.
    work.add(privacy.clear(old.getNumber()));
    return Future.all(work).mapEmpty();
  }

  private DeviceRecord newDevice(int id, String name, int registrationId, String password, long now) {
    var salt = credentials.newSalt();
    return DeviceRecord.newBuilder()
        .setId(id)
        .setName(name.length() > 64 ? name.substring(0, 64) : name)
        .setRegistrationId(registrationId)
        .setPasswordSalt(salt)
        .setPasswordHash(Credentials.hash(salt, password))
        .setCreated(now)
        .build();
  }

  private static DeviceCredentials credentialsOf(String number, int deviceId, String password) {
    return DeviceCredentials.newBuilder().setNumber(number).setDeviceId(deviceId).setPassword(password).build();
  }

  private static void requireRegistrationId(int registrationId) {
    if (registrationId < 1 || registrationId > 16380) {
      throw SealpostException.badRequest("registrationId must be 1..16380");
    }
  }

  private static void requireSessionId(String session) {
    if (!SESSION_ID.matcher(session).matches()) {
      throw SealpostException.badRequest("sessionId must be the sessionId POST /v1/registration/code answered");
    }
  }

  /** 128 random bits, URL-safe. */
  private String newSessionId() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String verificationKey(String number, String session) {
    return "verify:" + number + ":" + session;
  }

  private static String linkKey(String number) {
    return "link:" + number;
  }

  /** Runs a validation step, turning its exception into a failed future. */
  static <T> Future<T> validated(java.util.function.Supplier<T> step) {
    try {
      return Future.succeededFuture(step.get());
    } catch (SealpostException e) {
      return Future.failedFuture(e);
    }
  }
}
