package org.sealpost.groups;

import io.vertx.core.Future;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;
import org.sealpost.errors.SealpostException;
import org.sealpost.protocol.Group;
import org.sealpost.protocol.GroupRole;
import org.sealpost.store.GroupStore;

/**
 * What one stored {@link Group} says about its members: who they are and which of them may act.
 * Membership changes ({@link GroupsService}) and the group send ({@link GroupFanOut}) both ask it,
 * so a permission is decided in one place however a group is reached.
 */
final class Members {
  private static final Pattern GROUP_ID = Pattern.compile("[0-9a-f]{32}");

  private Members() {}

  /** The group; NOT_FOUND for an unknown id and for anything that is not a group id at all. */
  static Future<Group> existing(GroupStore groups, String id) {
    if (!isGroupId(id)) {
      return Future.failedFuture(SealpostException.notFound("no such group"));
    }
    return groups.get(id).map(found -> found.orElseThrow(() -> SealpostException.notFound("no such group")));
  }

  /** Ids are 16 random bytes in lower-case hex, as {@link GroupsService#create} makes them. */
  static boolean isGroupId(String id) {
    return id != null && GROUP_ID.matcher(id).matches();
  }

  static void requireMember(Group group, String number) {
    if (indexOf(group, number) < 0) {
      throw SealpostException.forbidden("not a member of this group");
    }
  }

  /** Members may act when {@code role} is ALL (or unset); only admins when it is ADMINS. */
  static void requireRole(Group group, String number, GroupRole role, String what) {
    int index = indexOf(group, number);
    if (index < 0) {
      throw SealpostException.forbidden("not a member of this group");
    }
    if (role == GroupRole.ADMINS && !group.getMembers(index).getAdmin()) {
      throw SealpostException.forbidden("only admins may " + what + " in this group");
    }
  }

  /** The members' numbers, longest-standing first. */
  static Set<String> numbers(Group group) {
    Set<String> numbers = new LinkedHashSet<>();
    group.getMembersList().forEach(m -> numbers.add(m.getNumber()));
    return numbers;
  }

  /** The member's position in the member list, or -1 for a non-member. */
  static int indexOf(Group group, String number) {
    for (int i = 0; i < group.getMembersCount(); i++) {
      if (group.getMembers(i).getNumber().equals(number)) {
        return i;
      }
    }
    return -1;
  }
}
