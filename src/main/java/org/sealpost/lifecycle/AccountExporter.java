package org.sealpost.lifecycle;

import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.sealpost.accounts.AccountsService;
import org.sealpost.api.DeviceKey;
import org.sealpost.limits.Limit;
import org.sealpost.limits.RateLimiters;
import org.sealpost.protocol.AccountExport;
import org.sealpost.protocol.ExportedDevice;
import org.sealpost.protocol.ExportedGroup;
import org.sealpost.protocol.ExportedMedia;
import org.sealpost.protocol.Group;
import org.sealpost.store.proto.AccountRecord;
import org.sealpost.store.proto.BlobRecord;
import org.sealpost.store.proto.DeviceRecord;

/**
 * What the server holds about an account (GET /v1/accounts/me/export), read from every store an
 * account's data lives in: the same stores {@link AccountDeletion} empties. Never ciphertext, which
 * the server cannot read anyway, and never credentials (only salted hashes are held).
 */
public final class AccountExporter {
  private final AccountsService accounts;
  private final AccountDeletion.Holdings holdings;
  private final RateLimiters limits;
  private final Clock clock;

  public AccountExporter(AccountsService accounts, AccountDeletion.Holdings holdings, RateLimiters limits,
      Clock clock) {
    this.accounts = accounts;
    this.holdings = holdings;
    this.limits = limits;
    this.clock = clock;
  }

  public Future<AccountExport> export(DeviceKey caller) {
    String number = caller.number();
    return limits.check(Limit.ACCOUNT_EXPORT_PER_ACCOUNT, number).compose(v -> accounts.account(number)).compose(account -> {
      AccountExport.Builder export = AccountExport.newBuilder()
          .setNumber(number).setCreated(account.getCreated()).setExportedAt(clock.millis());
      Future<List<ExportedDevice>> devices = devices(account);
      Future<List<Group>> groups = holdings.groups().memberOf(number);
      var settings = holdings.privacy().settings(number);
      Future<List<String>> contacts = holdings.privacy().contacts(number);
      Future<List<String>> blocked = holdings.privacy().blocked(number);
      Future<List<BlobRecord>> media = holdings.blobs().ownedBy(number);
      return Future.all(List.of(devices, groups, settings, contacts, blocked, media)).map(all -> {
        export.addAllDevices(devices.result());
        groups.result().forEach(group -> export.addGroups(exported(group, number)));
        settings.result().ifPresent(export::setPrivacy);
        export.addAllContacts(contacts.result()).addAllBlocked(blocked.result());
        media.result().forEach(blob -> export.addMedia(ExportedMedia.newBuilder()
            .setDeviceId(blob.getOwnerDevice()).setLength(blob.getLength()).setCreatedAt(blob.getCreatedAt())
            .setExpiresAt(blob.getExpiresAt()).setComplete(blob.getComplete())));
        return export.build();
      });
    });
  }

  private Future<List<ExportedDevice>> devices(AccountRecord account) {
    List<Future<ExportedDevice>> devices = new ArrayList<>();
    for (DeviceRecord record : account.getDevicesList()) {
      devices.add(device(new DeviceKey(account.getNumber(), record.getId()), record));
    }
    return Future.all(devices).map(all -> devices.stream().map(Future::result).toList());
  }

  private Future<ExportedDevice> device(DeviceKey key, DeviceRecord record) {
    var identity = holdings.preKeys().identityKey(key);
    var counts = holdings.preKeys().count(key);
    var push = holdings.pushTokens().get(key);
    var queue = holdings.queues().summary(key);
    return Future.all(identity, counts, push, queue).map(all -> {
      ExportedDevice.Builder device = ExportedDevice.newBuilder()
          .setDeviceId(record.getId()).setName(record.getName())
          .setRegistrationId(record.getRegistrationId()).setCreated(record.getCreated())
          .setOneTimeEcPreKeys(counts.result().getEcCount())
          .setOneTimeKyberPreKeys(counts.result().getKyberCount())
          .setQueuedEnvelopes(queue.result().envelopes()).setQueuedBytes(queue.result().bytes())
          .setOldestQueued(queue.result().oldest()).setNewestQueued(queue.result().newest());
      identity.result().ifPresent(device::setIdentityKey);
      push.result().ifPresent(token -> device.setPushType(token.getType()));
      return device.build();
    });
  }

  private static ExportedGroup exported(Group group, String number) {
    boolean admin = group.getMembersList().stream().anyMatch(m -> m.getNumber().equals(number) && m.getAdmin());
    return ExportedGroup.newBuilder().setGroupId(group.getId()).setAdmin(admin)
        .setMembers(group.getMembersCount()).setRevision(group.getRevision()).build();
  }
}
