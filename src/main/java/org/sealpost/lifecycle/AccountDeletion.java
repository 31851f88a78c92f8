package org.sealpost.lifecycle;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.sealpost.accounts.AccountsService;
import org.sealpost.api.DeviceKey;
import org.sealpost.api.PhoneNumbers;
import org.sealpost.errors.ErrorCode;
import org.sealpost.errors.SealpostException;
import org.sealpost.groups.GroupsService;
import org.sealpost.limits.Limit;
import org.sealpost.limits.RateLimiters;
import org.sealpost.protocol.DeleteAccountRequest;
import org.sealpost.protocol.DeletionCodeResponse;
import org.sealpost.protocol.Group;
import org.sealpost.routing.Router;
import org.sealpost.store.AccountStore;
import org.sealpost.store.BlobStore;
import org.sealpost.store.GroupStore;
import org.sealpost.store.MessageQueueStore;
import org.sealpost.store.PreKeyStore;
import org.sealpost.store.PresenceStore;
import org.sealpost.store.PrivacyStore;
import org.sealpost.store.PushTokenStore;
import org.sealpost.store.proto.AccountRecord;
import org.sealpost.store.proto.DeviceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes an account everywhere it lives, at its owner's request, in two halves.
 *
 * <p>Beginning it ({@link AccountStore#beginDeletion}) records the deletion and removes the account
 * itself, durably: from then on its credentials fail, senders find the number unknown (404), and
 * the number cannot be registered again until the deletion ends. Finishing it ({@link #finish})
 * closes the account's connections on every node, leaves its groups (the members are told, as for
 * a member who left), and deletes what it left in every other store; each step may run again, so
 * a deletion cut short by a crash is finished by {@link AccountSweeper} on any node, and two nodes
 * finishing the same one do no harm. Envelopes the account sent that still wait in others' queues
 * stay: they are the recipients' messages, acknowledged to the sender before it left.
 */
public final class AccountDeletion {
  private static final Logger log = LoggerFactory.getLogger(AccountDeletion.class);
  private static final String REASON = "account deleted";

  /** The stores an account's data lives in, besides the account itself. */
  public record Holdings(MessageQueueStore queues, PreKeyStore preKeys, PrivacyStore privacy,
      PushTokenStore pushTokens, PresenceStore presence, GroupStore groups, BlobStore blobs) {}

  private final AccountsService accounts;
  private final AccountStore accountStore;
  private final Holdings holdings;
  private final GroupsService groups;
  private final Router router;
  private final RateLimiters limits;
  private final Clock clock;

  public AccountDeletion(AccountsService accounts, AccountStore accountStore, Holdings holdings, GroupsService groups,
      Router router, RateLimiters limits, Clock clock) {
    this.accounts = accounts;
    this.accountStore = accountStore;
    this.holdings = holdings;
    this.groups = groups;
    this.router = router;
    this.limits = limits;
    this.clock = clock;
  }

  /** Sends a code to the account's number, which {@link #delete} then asks for; primary device only. */
  public Future<DeletionCodeResponse> requestCode(DeviceKey caller) {
    return primaryOnly(caller)
        .compose(v -> limits.check(Limit.REGISTRATION_CODE_PER_NUMBER, caller.number()))
        .compose(v -> accounts.sendCode(caller.number(), codeKey(caller.number())))
        .map(expiresAt -> DeletionCodeResponse.newBuilder().setExpiresAt(expiresAt).build());
  }

  /**
   * Deletes the caller's account once the primary device's password and the code sent to the
   * number confirm it. Answers once the account is gone and its data deleted; when a step of the
   * second half fails, the account is still gone (the answer says so) and the sweeper finishes.
   */
  public Future<Void> delete(DeviceKey caller, DeleteAccountRequest request, String clientIp) {
    return primaryOnly(caller)
        .compose(v -> accounts.authenticate(caller.number(), caller.deviceId(), request.getPassword(), clientIp)
            .recover(err -> Future.failedFuture(err instanceof SealpostException e && e.code() == ErrorCode.UNAUTHORIZED
                ? SealpostException.forbidden("the password is not this device's")
                : err)))
        .compose(account -> accounts.checkCode(codeKey(caller.number()), request.getCode(), "deletion code")
            .map(account))
        .compose(account -> {
          AccountRecord deletion = account.toBuilder().setDeletionStarted(clock.millis()).build();
          return accountStore.beginDeletion(deletion).compose(gone -> gone
              ? Future.succeededFuture(deletion)
              : Future.failedFuture(new SealpostException(ErrorCode.CONFLICT, "the account changed meanwhile")));
        })
        .compose(deletion -> {
          log.info("deleting account {} ({} devices)", PhoneNumbers.redact(caller.number()), deletion.getDevicesCount());
          return cleanUp(deletion).recover(err -> {
            log.warn("deleting account {}: the account is gone, a step failed and is left to the sweeper: {}",
                PhoneNumbers.redact(caller.number()), err.getMessage());
            return Future.failedFuture(new SealpostException(ErrorCode.UNAVAILABLE,
                "the account is deleted; some of its data is still being deleted and will be shortly"));
          });
        });
  }

  /**
   * Finishes a deletion that was begun (again, if it was finished in part): removes the account if
   * the number still holds it, deletes the rest, and ends the deletion. A number registered again
   * meanwhile (a new account) ends it without touching the new account's data.
   */
  public Future<Void> finish(AccountRecord deletion) {
    return accountStore.beginDeletion(deletion).compose(gone -> {
      if (!gone) {
        log.warn("deletion of account {} ended: the number holds a newer account", PhoneNumbers.redact(deletion.getNumber()));
        return Future.succeededFuture();
      }
      return cleanUp(deletion);
    });
  }

  /**
   * Finishes every pending deletion begun at least {@code olderThan} ago (younger ones are likely
   * still running where they began), one after another; how many it finished.
   */
  public Future<Integer> finishPending(Duration olderThan) {
    long before = clock.millis() - olderThan.toMillis();
    return accountStore.pendingDeletions().compose(pending -> {
      List<AccountRecord> due = pending.stream().filter(d -> d.getDeletionStarted() <= before).toList();
      return sequentially(due, 0, 0);
    });
  }

  private Future<Integer> sequentially(List<AccountRecord> due, int index, int finished) {
    if (index == due.size()) {
      return Future.succeededFuture(finished);
    }
    AccountRecord deletion = due.get(index);
    return finish(deletion)
        .map(v -> 1)
        .recover(err -> {
          log.warn("finishing the deletion of account {} failed, tried again later: {}",
              PhoneNumbers.redact(deletion.getNumber()), err.getMessage());
          return Future.succeededFuture(0);
        })
        .compose(one -> sequentially(due, index + 1, finished + one));
  }

  /** The second half: every step idempotent, in an order that leaves nothing to come back. */
  private Future<Void> cleanUp(AccountRecord deletion) {
    String number = deletion.getNumber();
    List<DeviceKey> devices = new ArrayList<>();
    for (DeviceRecord device : deletion.getDevicesList()) {
      devices.add(new DeviceKey(number, device.getId()));
    }
    // Connections first, so no device of the account writes anything while the rest goes.
    return each(devices, device -> router.closeConnection(device, REASON).recover(err -> {
      log.warn("deleting account {}: closing device {} failed ({}); its credentials fail already",
          PhoneNumbers.redact(number), device.deviceId(), err.getMessage());
      return Future.succeededFuture();
    }))
        .compose(v -> holdings.groups().memberOf(number))
        .compose(memberships -> each(memberships, group -> leave(group, number)))
        .compose(v -> each(devices, device -> Future.all(holdings.queues().purge(device),
            holdings.preKeys().clear(device), holdings.pushTokens().remove(device)).mapEmpty()))
        .compose(v -> holdings.privacy().clear(number))
        .compose(v -> holdings.blobs().deleteOwnedBy(number))
        .compose(v -> holdings.queues().forgetSends(number))
        // Late, so a connection's close (which records a last-seen time) has long been handled.
        .compose(v -> holdings.presence().forget(number, devices))
        .compose(v -> accountStore.endDeletion(number))
        .onSuccess(v -> log.info("deleted account {}", PhoneNumbers.redact(number)));
  }

  /** Leaves the group as the member itself would, so the members get a MEMBER_LEFT event. */
  private Future<Void> leave(Group group, String number) {
    DeviceKey self = new DeviceKey(number, AccountsService.PRIMARY_DEVICE_ID);
    return groups.removeMember(self, group.getId(), number).<Void>mapEmpty().recover(err ->
        err instanceof SealpostException e && (e.code() == ErrorCode.NOT_FOUND || e.code() == ErrorCode.FORBIDDEN)
            ? Future.succeededFuture() // gone or left meanwhile
            : Future.failedFuture(err));
  }

  private static <T> Future<Void> each(List<T> items, Function<T, Future<?>> step) {
    List<Future<?>> all = new ArrayList<>(items.size());
    items.forEach(item -> all.add(step.apply(item)));
    return Future.all(all).mapEmpty();
  }

  private static Future<Void> primaryOnly(DeviceKey caller) {
    return caller.deviceId() == AccountsService.PRIMARY_DEVICE_ID
        ? Future.succeededFuture()
        : Future.failedFuture(SealpostException.forbidden("only the primary device can delete the account"));
  }

  private static String codeKey(String number) {
    return "delete:" + number;
  }
}
