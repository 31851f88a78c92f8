package org.sealpost.presence;

import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.sealpost.api.DeviceKey;
import org.sealpost.api.PhoneNumbers;
import org.sealpost.bus.proto.DeviceEvent;
import org.sealpost.errors.SealpostException;
import org.sealpost.limits.Limit;
import org.sealpost.limits.RateLimiters;
import org.sealpost.privacy.PrivacyService;
import org.sealpost.protocol.TypingAction;
import org.sealpost.protocol.TypingEvent;
import org.sealpost.protocol.TypingRequest;
import org.sealpost.routing.Router;
import org.sealpost.store.AccountStore;
import org.sealpost.store.proto.DeviceRecord;

/**
 * Typing indicators: handed to the recipients' connected devices through the {@link Router}
 * (this node or another node's inbox) and forgotten. Never stored, never pushed: a device that is
 * not connected now never sees it. A recipient who blocked the sender refuses it like a message;
 * in a group, members who blocked the sender are skipped silently.
 */
public final class TypingService {
  private final AccountStore accounts;
  private final PrivacyService privacy;
  private final GroupTyping groups;
  private final RateLimiters limits;
  private final Router router;
  private final Clock clock;

  public TypingService(AccountStore accounts, PrivacyService privacy, GroupTyping groups, RateLimiters limits,
      Router router, Clock clock) {
    this.accounts = accounts;
    this.privacy = privacy;
    this.groups = groups;
    this.limits = limits;
    this.router = router;
    this.clock = clock;
  }

  public Future<Void> send(DeviceKey sender, TypingRequest request) {
    boolean toGroup = !request.getGroupId().isEmpty();
    if (toGroup == !request.getDestination().isEmpty()) {
      return Future.failedFuture(SealpostException.badRequest("exactly one of destination and groupId is required"));
    }
    if (request.getAction() == TypingAction.UNRECOGNIZED) {
      return Future.failedFuture(SealpostException.badRequest("action must be COMPOSING or PAUSED"));
    }
    TypingEvent event = TypingEvent.newBuilder()
        .setSource(sender.number())
        .setSourceDevice(sender.deviceId())
        .setGroupId(request.getGroupId())
        .setAction(request.getAction())
        .setServerTimestamp(clock.millis())
        .build();
    return limits.check(Limit.MESSAGES_PER_DEVICE, sender.id()).compose(v -> toGroup
        ? toGroup(sender, request, event)
        : toAccount(sender, PhoneNumbers.require(request.getDestination(), "destination"), event));
  }

  private Future<Void> toAccount(DeviceKey sender, String destination, TypingEvent event) {
    if (destination.equals(sender.number())) {
      return Future.failedFuture(SealpostException.badRequest("typing to oneself"));
    }
    return accounts.get(destination)
        .compose(account -> account.isPresent() ? Future.succeededFuture(account.get())
            : Future.failedFuture(SealpostException.notFound("no such account")))
        .compose(account -> privacy.checkSend(sender.number(), destination).map(ok -> account))
        .map(account -> {
          for (DeviceRecord device : account.getDevicesList()) {
            router.send(new DeviceKey(destination, device.getId()), DeviceEvent.newBuilder().setTyping(event).build());
          }
          return null;
        });
  }

  /** The group hook for the lead's groups feature: see {@link GroupTyping}. */
  private Future<Void> toGroup(DeviceKey sender, TypingRequest request, TypingEvent event) {
    return groups.otherMembers(request.getGroupId(), sender.number()).compose(members -> {
      List<Future<Void>> sends = new ArrayList<>();
      for (String member : members) {
        sends.add(toAccount(sender, member, event).recover(err -> Future.succeededFuture()));
      }
      return Future.join(sends).mapEmpty();
    });
  }
}
