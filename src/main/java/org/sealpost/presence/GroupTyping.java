package org.sealpost.presence;

import io.vertx.core.Future;
import java.util.List;
import org.sealpost.errors.SealpostException;

/**
 * The hook through which typing indicators reach a group: who else is in it. The groups feature
 * implements it (failing NOT_FOUND for an unknown group, FORBIDDEN when the sender is not a
 * member) and server/ passes it to {@link TypingService}; until then group typing is refused.
 */
@FunctionalInterface
public interface GroupTyping {
  GroupTyping UNAVAILABLE = (groupId, sender) ->
      Future.failedFuture(SealpostException.badRequest("typing in groups is not available on this server"));

  /** The numbers of the group's members other than {@code sender}. */
  Future<List<String>> otherMembers(String groupId, String sender);
}
