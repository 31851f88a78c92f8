package org.sealpost.groups;

import static org.sealpost.testing.Await.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import java.util.ArrayList;
import java.util.List;
import org.sealpost.protocol.AddMembersRequest;
import org.sealpost.protocol.CreateGroupRequest;
import org.sealpost.protocol.Envelope;
import org.sealpost.protocol.ErrorBody;
import org.sealpost.protocol.Group;
import org.sealpost.protocol.GroupSendRequest;
import org.sealpost.protocol.GroupSendResponse;
import org.sealpost.protocol.GroupSettings;
import org.sealpost.protocol.Response;
import org.sealpost.testing.TestDevice;

/** The group API as a raw test device calls it (opaque payloads, no crypto). */
final class GroupCalls {
  private GroupCalls() {}

  static Group create(TestDevice caller, List<String> members) {
    return await(caller.connection().call("POST", "/v1/groups",
        CreateGroupRequest.newBuilder().addAllMembers(members).build(), Group.parser()));
  }

  static Group add(TestDevice caller, String group, String... members) {
    return await(caller.connection().call("PUT", "/v1/groups/" + group + "/members",
        AddMembersRequest.newBuilder().addAllMembers(List.of(members)).build(), Group.parser()));
  }

  static Response addRaw(TestDevice caller, String group, String... members) {
    return await(caller.connection().request("PUT", "/v1/groups/" + group + "/members",
        AddMembersRequest.newBuilder().addAllMembers(List.of(members)).build()));
  }

  static Group remove(TestDevice caller, String group, String member) {
    return await(caller.connection().call("DELETE", "/v1/groups/" + group + "/members/" + member,
        Empty.getDefaultInstance(), Group.parser()));
  }

  static Response settingsRaw(TestDevice caller, String group, GroupSettings settings) {
    return await(caller.connection().request("PUT", "/v1/groups/" + group + "/settings", settings));
  }

  static GroupSendResponse send(TestDevice caller, String group, ByteString id, String content) {
    return send(caller, group, sendRequest(id, content));
  }

  /** A client's first request with {@code id} ({@code first_attempt}), as the SDK sends every group message. */
  static GroupSendResponse sendFirstAttempt(TestDevice caller, String group, ByteString id, String content) {
    return send(caller, group, sendRequest(id, content).toBuilder().setFirstAttempt(true).build());
  }

  private static GroupSendResponse send(TestDevice caller, String group, GroupSendRequest request) {
    return await(caller.connection().call("PUT", "/v1/groups/" + group + "/messages", request,
        GroupSendResponse.parser()), 60);
  }

  static Response sendRaw(TestDevice caller, String group, ByteString id, String content) {
    return await(caller.connection().request("PUT", "/v1/groups/" + group + "/messages", sendRequest(id, content)));
  }

  static GroupSendRequest sendRequest(ByteString id, String content) {
    return GroupSendRequest.newBuilder().setMessageId(id).setTimestamp(System.currentTimeMillis())
        .setContent(ByteString.copyFromUtf8(content)).build();
  }

  static String code(Response response) {
    try {
      return ErrorBody.parseFrom(response.getBody()).getCode();
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  /** Takes deliveries until one of {@code type} arrives; returns it (others are dropped). */
  static Envelope next(TestDevice device, Envelope.Type type) {
    while (true) {
      Envelope envelope = device.next(30);
      if (envelope.getType() == type) {
        return envelope;
      }
    }
  }

  /** The next {@code count} deliveries of {@code type}, skipping others. */
  static List<Envelope> take(TestDevice device, Envelope.Type type, int count) {
    List<Envelope> taken = new ArrayList<>();
    while (taken.size() < count) {
      taken.add(next(device, type));
    }
    return taken;
  }
}
