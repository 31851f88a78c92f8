package org.sealpost.keys;

import com.google.protobuf.ByteString;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.sealpost.api.DeviceKey;
import org.sealpost.api.PhoneNumbers;
import org.sealpost.bus.proto.DeviceEvent;
import org.sealpost.errors.SealpostException;
import org.sealpost.limits.Limit;
import org.sealpost.limits.RateLimiters;
import org.sealpost.protocol.LoggedKeys;
import org.sealpost.protocol.PreKeyBundle;
import org.sealpost.protocol.PreKeyBundles;
import org.sealpost.protocol.PreKeyCount;
import org.sealpost.protocol.PreKeyUpload;
import org.sealpost.routing.Router;
import org.sealpost.store.AccountStore;
import org.sealpost.store.PreKeyStore.TakenBundle;
import org.sealpost.store.PreKeyStore;
import org.sealpost.store.proto.AccountRecord;
import org.sealpost.store.proto.DeviceRecord;
import org.sealpost.transparency.KeyLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Key distribution for PQXDH: devices upload their public keys, senders take one bundle per
 * destination device. Plain logic over the stores, like the accounts service: it keeps no state,
 * so any number of gateway instances can call it at once; the store makes takes atomic.
 *
 * <p>Nothing is stored that libsignal would refuse: every key must parse and every signature must
 * verify against the identity key before the upload reaches the store. Those checks are CPU work,
 * so an upload's checks run together in one blocking task, never on the event loop.
 */
public final class KeysService {
  private static final Logger log = LoggerFactory.getLogger(KeysService.class);

  /** The most one-time keys of each kind in one upload: bounds the verification work per request. */
  public static final int MAX_ONE_TIME_KEYS_PER_UPLOAD = 100;

  /** Below this many one-time keys of either kind, a fetch asks the device to upload more. */
  public static final int LOW_KEY_THRESHOLD = 10;

  /** The device selector of a fetch that means every device of the account that has keys. */
  static final String ALL_DEVICES = "*";

  private final Vertx vertx;
  private final AccountStore accounts;
  private final PreKeyStore preKeys;
  private final RateLimiters limits;
  private final Router router;
  private final KeyLog keyLog;

  /** {@code preKeys} must log identity keys in {@code keyLog} ({@link org.sealpost.transparency.LoggedPreKeyStore}). */
  public KeysService(Vertx vertx, AccountStore accounts, PreKeyStore preKeys, RateLimiters limits, Router router,
      KeyLog keyLog) {
    this.vertx = vertx;
    this.accounts = accounts;
    this.preKeys = preKeys;
    this.limits = limits;
    this.router = router;
    this.keyLog = keyLog;
  }

  /**
   * PUT /v1/keys: stores the calling device's keys and answers its one-time key counts.
   *
   * <p>200 stored; 400 a key does not parse, more than {@value #MAX_ONE_TIME_KEYS_PER_UPLOAD}
   * one-time keys of a kind, or a first upload (or a new identity key) without identity key,
   * signed prekey and last-resort Kyber prekey; 422 a signature does not verify. On any error
   * nothing is stored.
   */
  public Future<PreKeyCount> upload(DeviceKey device, PreKeyUpload upload) {
    return checked(() -> checkShape(upload))
        .compose(v -> preKeys.identityKey(device))
        .compose(stored -> validated(() -> againstIdentity(upload, stored)))
        .compose(this::verified)
        .compose(keys -> preKeys.put(device, keys));
  }

  /** GET /v1/keys/count: 200 with the calling device's one-time key counts. */
  public Future<PreKeyCount> count(DeviceKey device) {
    return preKeys.count(device);
  }

  /**
   * GET /v1/keys/{number}/{id}: takes a bundle for one device, or for every device of the account
   * that has keys when {@code selector} is {@value #ALL_DEVICES}. Each taken one-time key is gone
   * for good; a device left with few asks (once per fetch) for more.
   *
   * <p>Each bundle comes with the key log's entry for its identity key and that entry's audit path
   * to one signed head, so the requester can check the key is the one logged for the device.
   *
   * <p>200 bundles; 400 the selector is neither a device id nor {@value #ALL_DEVICES}; 404 no such
   * account or device, or no keys to hand out; 429 the requester fetched too often; 503 a key is
   * not (yet) the one the key log holds for its device.
   */
  public Future<PreKeyBundles> fetch(DeviceKey requester, String number, String selector) {
    return validated(() -> {
          PhoneNumbers.require(number, "number");
          return parseSelector(selector);
        })
        .compose(deviceId -> limits.check(Limit.KEY_FETCH_PER_DEVICE, requester.id())
            .compose(v -> limits.check(Limit.KEY_FETCH_PER_ACCOUNT_PAIR, requester.number() + ">" + number))
            .compose(v -> limits.check(Limit.KEY_FETCH_PER_TARGET, number))
            .compose(v -> account(number))
            .map(account -> targets(account, deviceId)))
        .compose(devices -> takeAll(number, devices))
        .compose(bundles -> bundles.isEmpty()
            ? Future.failedFuture(SealpostException.notFound("no keys for device " + selector))
            : proved(number, bundles));
  }

  /**
   * GET /v1/keylog/devices/{number}: the key log's current entry for each device of the account
   * that has a key, proved against one head; what a client checks a contact's keys against without
   * taking any of the contact's one-time keys. Limited like a fetch.
   *
   * <p>200 entries; 400 not a number; 404 no such account; 429 the requester asked too often.
   */
  public Future<LoggedKeys> loggedKeys(DeviceKey requester, String number) {
    return checked(() -> PhoneNumbers.require(number, "number"))
        .compose(v -> limits.check(Limit.KEY_FETCH_PER_DEVICE, requester.id()))
        .compose(v -> limits.check(Limit.KEY_FETCH_PER_TARGET, number))
        .compose(v -> account(number))
        .compose(account -> {
          List<Integer> ids = new ArrayList<>(account.getDevicesCount());
          account.getDevicesList().forEach(device -> ids.add(device.getId()));
          return keyLog.current(number, ids);
        })
        .map(proved -> LoggedKeys.newBuilder().setNumber(number).setHead(proved.head())
            .addAllDevices(new TreeMap<>(proved.entries()).values()).build());
  }

  private Future<PreKeyBundles> proved(String number, List<PreKeyBundle> bundles) {
    Map<Integer, ByteString> keys = new HashMap<>();
    bundles.forEach(bundle -> keys.put(bundle.getDeviceId(), bundle.getIdentityKey()));
    return keyLog.prove(number, keys).map(proved -> {
      PreKeyBundles.Builder answer = PreKeyBundles.newBuilder().setNumber(number).setKeyLogHead(proved.head());
      bundles.forEach(bundle -> answer.addDevices(
          bundle.toBuilder().setKeyLogEntry(proved.entries().get(bundle.getDeviceId()))));
      return answer.build();
    });
  }

  private static void checkShape(PreKeyUpload upload) {
    if (upload.getOneTimePreKeysCount() > MAX_ONE_TIME_KEYS_PER_UPLOAD) {
      throw SealpostException.badRequest("at most " + MAX_ONE_TIME_KEYS_PER_UPLOAD + " oneTimePreKeys per upload");
    }
    if (upload.getOneTimeKyberPreKeysCount() > MAX_ONE_TIME_KEYS_PER_UPLOAD) {
      throw SealpostException.badRequest(
          "at most " + MAX_ONE_TIME_KEYS_PER_UPLOAD + " oneTimeKyberPreKeys per upload");
    }
  }

  /**
   * The upload with the identity key its signatures must verify against: its own, or the stored one
   * when it leaves the field unset. A first upload, or one that changes the identity key, replaces
   * everything, so it must be complete.
   */
  private static PreKeyUpload againstIdentity(PreKeyUpload upload, Optional<ByteString> stored) {
    boolean newIdentity = !upload.getIdentityKey().isEmpty()
        && !stored.map(upload.getIdentityKey()::equals).orElse(false);
    if (stored.isEmpty() || newIdentity) {
      if (upload.getIdentityKey().isEmpty() || !upload.hasSignedPreKey() || !upload.hasLastResortKyberPreKey()) {
        throw SealpostException.badRequest(
            "the first upload, and one with a new identity key, must include identityKey, signedPreKey and "
                + "lastResortKyberPreKey");
      }
      return upload;
    }
    return upload.toBuilder().setIdentityKey(stored.get()).build();
  }

  /** Runs every check of one upload in one blocking task, off the event loop, unordered. */
  private Future<PreKeyUpload> verified(PreKeyUpload upload) {
    return vertx.executeBlocking(() -> {
      KeyVerifier.verify(upload);
      return upload;
    }, false);
  }

  private static Optional<Integer> parseSelector(String selector) {
    if (ALL_DEVICES.equals(selector)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Integer.parseInt(selector));
    } catch (NumberFormatException e) {
      throw SealpostException.badRequest("device id must be a number or " + ALL_DEVICES);
    }
  }

  private Future<AccountRecord> account(String number) {
    return accounts.get(number).compose(account -> account
        .map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(SealpostException.notFound("no such account"))));
  }

  /** The devices a fetch takes from: the one asked for (404 when the account lacks it) or all. */
  private static List<DeviceRecord> targets(AccountRecord account, Optional<Integer> deviceId) {
    if (deviceId.isEmpty()) {
      return account.getDevicesList();
    }
    for (DeviceRecord device : account.getDevicesList()) {
      if (device.getId() == deviceId.get()) {
        return List.of(device);
      }
    }
    throw SealpostException.notFound("no device " + deviceId.get());
  }

  /** Takes from every target device at once; devices without keys are left out. */
  private Future<List<PreKeyBundle>> takeAll(String number, List<DeviceRecord> devices) {
    List<Future<Optional<PreKeyBundle>>> takes = new ArrayList<>(devices.size());
    for (DeviceRecord device : devices) {
      takes.add(take(new DeviceKey(number, device.getId()), device.getRegistrationId()));
    }
    return Future.all(takes).map(all -> {
      List<PreKeyBundle> bundles = new ArrayList<>(takes.size());
      for (Future<Optional<PreKeyBundle>> take : takes) {
        take.result().ifPresent(bundles::add);
      }
      return bundles;
    });
  }

  private Future<Optional<PreKeyBundle>> take(DeviceKey device, int registrationId) {
    return preKeys.take(device).map(taken -> taken.map(t -> {
      askForMoreIfLow(device, t);
      return t.bundle().toBuilder().setRegistrationId(registrationId).build();
    }));
  }

  /**
   * Asks a connected device to refill when a take left it few one-time keys. Fire and forget: a
   * device that misses it learns its counts from its next upload or GET /v1/keys/count.
   */
  private void askForMoreIfLow(DeviceKey device, TakenBundle taken) {
    PreKeyCount left = taken.left();
    if (left.getEcCount() >= LOW_KEY_THRESHOLD && left.getKyberCount() >= LOW_KEY_THRESHOLD) {
      return;
    }
    router.send(device, DeviceEvent.newBuilder().setKeysLow(left).build())
        .onFailure(err -> log.warn("keys-low event for {} failed: {}", device, err.getMessage()));
  }

  /** Runs a validation step, turning its exception into a failed future. */
  private static <T> Future<T> validated(Supplier<T> step) {
    try {
      return Future.succeededFuture(step.get());
    } catch (SealpostException e) {
      return Future.failedFuture(e);
    }
  }

  private static Future<Void> checked(Runnable step) {
    return validated(() -> {
      step.run();
      return null;
    });
  }
}
