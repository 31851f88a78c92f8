package org.sealpost.groups;

import com.google.protobuf.ByteString;
import io.vertx.core.Future;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.sealpost.api.DeviceKey;
import org.sealpost.api.PhoneNumbers;
import org.sealpost.config.MessagesConfig;
import org.sealpost.errors.ErrorCode;
import org.sealpost.errors.SealpostException;
import org.sealpost.limits.RateLimiters;
import org.sealpost.presence.GroupTyping;
import org.sealpost.privacy.Blocks;
import org.sealpost.protocol.AddMembersRequest;
import org.sealpost.protocol.CreateGroupRequest;
import org.sealpost.protocol.Group;
import org.sealpost.protocol.GroupEvent;
import org.sealpost.protocol.GroupMember;
import org.sealpost.protocol.GroupRole;
import org.sealpost.protocol.GroupSettings;
import org.sealpost.protocol.SetMetadataRequest;
import org.sealpost.routing.Router;
import org.sealpost.store.AccountStore;
import org.sealpost.store.GroupStore;
import org.sealpost.store.MessageQueueStore;

/**
 * Group membership: members, admins, settings and the metadata blob, each change a compare-and-set
 * in the {@link GroupStore} announced to the members as a {@link GroupEvent} through the group's
 * {@link GroupFanOut}, which also carries the group send.
 *
 * <p>Permissions, in one place each: {@link Members#requireMember}, {@link Members#requireRole}
 * and {@link #mayAdd} (the hook where "may X add Y" is decided, e.g. for blocking).
 */
public final class GroupsService implements GroupTyping {
  /** WhatsApp's limit; the next add fails with GROUP_FULL. */
  public static final int MAX_MEMBERS = 1024;
  /** The metadata blob is a small encrypted record (name, description, avatar pointer). */
  static final int MAX_METADATA_BYTES = 8 * 1024;

  private final AccountStore accounts;
  private final GroupStore groups;
  private final GroupFanOut fanOut;
  private final Clock clock;
  private final SecureRandom random;
  private final GroupLanes lanes = new GroupLanes();
  private final Blocks blocks;

  /** Takes the fan-out's collaborators too and builds it, so a server wires groups in one call. */
  public GroupsService(MessagesConfig config, AccountStore accounts, GroupStore groups, MessageQueueStore queues,
      RateLimiters limits, Router router, Clock clock, SecureRandom random, Blocks blocks) {
    this.accounts = accounts;
    this.groups = groups;
    this.fanOut = new GroupFanOut(config, accounts, groups, queues, limits, router, clock);
    this.clock = clock;
    this.random = random;
    this.blocks = blocks;
  }

  /** Where group messages are sent (and this service's events go): for the send route. */
  GroupFanOut fanOut() {
    return fanOut;
  }

  // ------------------------------------------------------------------ membership

  public Future<Group> create(DeviceKey caller, CreateGroupRequest request) {
    Set<String> others;
    try {
      others = numbers(request.getMembersList(), "members");
      others.remove(caller.number());
      checkSize(others.size() + 1);
      checkMetadata(request.getMetadata());
    } catch (SealpostException e) {
      return Future.failedFuture(e);
    }
    byte[] idBytes = new byte[16];
    random.nextBytes(idBytes);
    String id = HexFormat.of().formatHex(idBytes);
    Group.Builder group = Group.newBuilder().setId(id).setRevision(1).setCreated(clock.millis())
        .setSettings(request.getSettings()).setMetadata(request.getMetadata())
        .setMetadataVersion(request.getMetadata().isEmpty() ? 0 : 1)
        .addMembers(GroupMember.newBuilder().setNumber(caller.number()).setAdmin(true).setJoinedAtRevision(1));
    others.forEach(n -> group.addMembers(GroupMember.newBuilder().setNumber(n).setJoinedAtRevision(1)));
    Group created = group.build();
    return requireAccounts(others)
        .compose(v -> mayAddAll(caller.number(), others))
        .compose(v -> lanes.submit(id, () -> groups.create(created).compose(stored -> stored
            ? fanOut.announce(created, event(created, GroupEvent.Kind.CREATED, caller, List.of()), List.of())
            : Future.failedFuture(new IllegalStateException("group id collision")))))
        .map(created);
  }

  public Future<Group> get(DeviceKey caller, String id) {
    return Members.existing(groups, id).map(group -> {
      Members.requireMember(group, caller.number());
      return group;
    });
  }

  public Future<Group> addMembers(DeviceKey caller, String id, AddMembersRequest request) {
    Set<String> added;
    try {
      added = numbers(request.getMembersList(), "members");
      if (added.isEmpty()) {
        throw SealpostException.badRequest("members must name at least one account");
      }
    } catch (SealpostException e) {
      return Future.failedFuture(e);
    }
    return requireAccounts(added)
        .compose(v -> mayAddAll(caller.number(), added))
        .compose(v -> change(caller, id, group -> {
          Members.requireRole(group, caller.number(), group.getSettings().getAddMembers(), "add members");
          Set<String> fresh = new LinkedHashSet<>(added);
          fresh.removeAll(Members.numbers(group));
          if (fresh.isEmpty()) {
            return group;
          }
          checkSize(group.getMembersCount() + fresh.size());
          long revision = group.getRevision() + 1;
          Group.Builder next = group.toBuilder().setRevision(revision);
          fresh.forEach(n -> next.addMembers(GroupMember.newBuilder().setNumber(n).setJoinedAtRevision(revision)));
          return next.build();
        }, (before, after) -> event(after, GroupEvent.Kind.MEMBERS_ADDED, caller, added(before, after))));
  }

  /** Removes {@code number} (admins only), or leaves the group when it is the caller's own number. */
  public Future<Group> removeMember(DeviceKey caller, String id, String number) {
    boolean leaving = number.equals(caller.number());
    return change(caller, id, group -> {
      Members.requireMember(group, caller.number());
      if (!leaving) {
        Members.requireRole(group, caller.number(), GroupRole.ADMINS, "remove members");
      }
      int index = Members.indexOf(group, number);
      if (index < 0) {
        return group;
      }
      Group.Builder next = group.toBuilder().setRevision(group.getRevision() + 1).removeMembers(index);
      keepAnAdmin(next);
      return next.build();
    }, (before, after) -> event(after, leaving ? GroupEvent.Kind.MEMBER_LEFT : GroupEvent.Kind.MEMBERS_REMOVED,
        caller, List.of(number)), number);
  }

  /** Promotes ({@code admin} true) or demotes a member; admins only. */
  public Future<Group> setAdmin(DeviceKey caller, String id, String number, boolean admin) {
    return change(caller, id, group -> {
      Members.requireRole(group, caller.number(), GroupRole.ADMINS, "change admins");
      int index = Members.indexOf(group, number);
      if (index < 0) {
        throw SealpostException.notFound(PhoneNumbers.redact(number) + " is not a member");
      }
      if (group.getMembers(index).getAdmin() == admin) {
        return group;
      }
      Group.Builder next = group.toBuilder().setRevision(group.getRevision() + 1)
          .setMembers(index, group.getMembers(index).toBuilder().setAdmin(admin));
      if (next.getMembersList().stream().noneMatch(GroupMember::getAdmin)) {
        throw SealpostException.forbidden("a group keeps at least one admin");
      }
      return next.build();
    }, (before, after) -> event(after, admin ? GroupEvent.Kind.ADMINS_PROMOTED : GroupEvent.Kind.ADMINS_DEMOTED,
        caller, List.of(number)));
  }

  public Future<Group> setSettings(DeviceKey caller, String id, GroupSettings settings) {
    return change(caller, id, group -> {
      Members.requireRole(group, caller.number(), GroupRole.ADMINS, "change settings");
      if (group.getSettings().equals(settings)) {
        return group;
      }
      return group.toBuilder().setRevision(group.getRevision() + 1).setSettings(settings).build();
    }, (before, after) -> event(after, GroupEvent.Kind.SETTINGS_CHANGED, caller, List.of()).toBuilder()
        .setSettings(after.getSettings()).build());
  }

  /** Replaces the metadata blob if its version is still {@code expected_version}. */
  public Future<Group> setMetadata(DeviceKey caller, String id, SetMetadataRequest request) {
    try {
      checkMetadata(request.getMetadata());
    } catch (SealpostException e) {
      return Future.failedFuture(e);
    }
    return change(caller, id, group -> {
      Members.requireRole(group, caller.number(), group.getSettings().getEditMetadata(), "change the group's info");
      if (group.getMetadataVersion() != request.getExpectedVersion()) {
        throw new SealpostException(ErrorCode.VERSION_CONFLICT,
            "metadata is at version " + group.getMetadataVersion() + ", not " + request.getExpectedVersion());
      }
      return group.toBuilder().setRevision(group.getRevision() + 1).setMetadata(request.getMetadata())
          .setMetadataVersion(group.getMetadataVersion() + 1).build();
    }, (before, after) -> event(after, GroupEvent.Kind.METADATA_CHANGED, caller, List.of()).toBuilder()
        .setMetadataVersion(after.getMetadataVersion()).build());
  }

  // ------------------------------------------------------------------ permissions

  /**
   * The one place where "may {@code actor} add {@code member} to a group" is decided, for every
   * add and for the members of a new group: any registered account, unless it blocked the actor
   * (403 BLOCKED, as for a message to it: the actor learns only that it is blocked).
   */
  Future<Void> mayAdd(String actor, String member) {
    return blocks.isBlocked(member, actor).compose(blocked -> blocked
        ? Future.failedFuture(new SealpostException(ErrorCode.BLOCKED, "an account you named has blocked you"))
        : Future.succeededFuture());
  }

  /** Typing in a group reaches those who may read its messages: the sender must be allowed to send. */
  @Override
  public Future<List<String>> otherMembers(String id, String sender) {
    return Members.existing(groups, id).map(group -> {
      Members.requireRole(group, sender, group.getSettings().getSend(), "send");
      List<String> others = new ArrayList<>(group.getMembersCount());
      Members.numbers(group).forEach(number -> {
        if (!number.equals(sender)) {
          others.add(number);
        }
      });
      return others;
    });
  }

  private Future<Void> mayAddAll(String actor, Set<String> members) {
    List<Future<Void>> checks = new ArrayList<>(members.size());
    members.forEach(member -> checks.add(mayAdd(actor, member)));
    return Future.all(checks).mapEmpty();
  }

  // ------------------------------------------------------------------ changes and events

  private interface EventOf {
    GroupEvent of(Group before, Group after);
  }

  /**
   * Applies {@code change} atomically; when it changed something, announces the event to every
   * member after the change plus {@code alsoTell} (a removed member) before answering.
   */
  private Future<Group> change(DeviceKey caller, String id, UnaryOperator<Group> change, EventOf event,
      String... alsoTell) {
    if (!Members.isGroupId(id)) {
      return Future.failedFuture(SealpostException.notFound("no such group"));
    }
    return lanes.submit(id, () -> {
      Group[] before = new Group[1];
      return groups.update(id, current -> {
        before[0] = current;
        return change.apply(current);
      }).compose(after -> after == before[0] || after.getRevision() == before[0].getRevision()
          ? Future.succeededFuture(after)
          : fanOut.announce(after, event.of(before[0], after), List.of(alsoTell)).map(after));
    });
  }

  private static GroupEvent event(Group after, GroupEvent.Kind kind, DeviceKey actor, Iterable<String> members) {
    return GroupEvent.newBuilder().setGroupId(after.getId()).setRevision(after.getRevision()).setKind(kind)
        .setActor(actor.number()).addAllMembers(members).build();
  }

  private static List<String> added(Group before, Group after) {
    Set<String> old = Members.numbers(before);
    return Members.numbers(after).stream().filter(n -> !old.contains(n)).toList();
  }

  /** When the last admin left, the longest-standing member becomes admin. */
  private static void keepAnAdmin(Group.Builder group) {
    if (group.getMembersCount() > 0 && group.getMembersList().stream().noneMatch(GroupMember::getAdmin)) {
      group.setMembers(0, group.getMembers(0).toBuilder().setAdmin(true));
    }
  }

  // ------------------------------------------------------------------ helpers

  private Future<Void> requireAccounts(Set<String> numbers) {
    return accounts.getAll(numbers).compose(found -> found.size() == numbers.size()
        ? Future.<Void>succeededFuture()
        : Future.failedFuture(SealpostException.notFound("not every member has an account")));
  }

  private static Set<String> numbers(List<String> numbers, String field) {
    checkSize(numbers.size());
    Set<String> unique = new LinkedHashSet<>();
    for (String number : numbers) {
      unique.add(PhoneNumbers.require(number, field));
    }
    return unique;
  }

  private static void checkSize(int members) {
    if (members > MAX_MEMBERS) {
      throw new SealpostException(ErrorCode.GROUP_FULL, "a group has at most " + MAX_MEMBERS + " members");
    }
  }

  private static void checkMetadata(ByteString metadata) {
    if (metadata.size() > MAX_METADATA_BYTES) {
      throw SealpostException.tooLarge("metadata exceeds " + MAX_METADATA_BYTES + " bytes");
    }
  }
}
