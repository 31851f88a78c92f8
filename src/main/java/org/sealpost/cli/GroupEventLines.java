package org.sealpost.cli;

import io.vertx.core.Future;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.sealpost.client.SealpostClient;
import org.sealpost.protocol.GroupEvent;

/**
 * Prints group events under the group's name. A group's name is sealed with its master key, which
 * a member's device gets from the creator's sender key, sent just after the group is created: the
 * "created" event comes first. So an event whose group this device cannot name yet waits for the
 * group's next message or the end of the queue (by then the key has usually come) and is printed
 * before it; only if the name is still unknown then does the line show the group's id. Used on the
 * client's context only.
 */
final class GroupEventLines {
  private final SealpostClient client;
  private final PrintWriter out;
  private final List<GroupEvent> unnamed = new ArrayList<>();

  GroupEventLines(SealpostClient client, PrintWriter out) {
    this.client = client;
    this.out = out;
  }

  void onEvent(GroupEvent event) {
    client.groupName(event.getGroupId()).onSuccess(name -> {
      if (name.equals(event.getGroupId())) {
        unnamed.add(event);
      } else {
        print(name, event);
      }
    });
  }

  /** Prints the waiting events of {@code groupId}, before a message of that group. */
  Future<Void> beforeMessageOf(String groupId) {
    return flush(unnamed.stream().filter(event -> event.getGroupId().equals(groupId)).toList());
  }

  /** Prints every waiting event, at the end of the queue. */
  Future<Void> flush() {
    return flush(List.copyOf(unnamed));
  }

  private Future<Void> flush(List<GroupEvent> events) {
    unnamed.removeAll(events);
    Future<Void> printed = Future.succeededFuture();
    for (GroupEvent event : events) {
      printed = printed.compose(v -> client.groupName(event.getGroupId()).map(name -> {
        print(name, event);
        return null;
      }));
    }
    return printed;
  }

  private void print(String name, GroupEvent event) {
    out.println(Lines.groupEvent(name, event));
    out.flush();
  }
}
