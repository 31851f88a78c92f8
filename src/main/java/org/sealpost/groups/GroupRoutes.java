package org.sealpost.groups;

import static org.sealpost.api.ApiRoutes.EMPTY;

import java.util.List;
import org.sealpost.api.PhoneNumbers;
import org.sealpost.api.Route.Access;
import org.sealpost.api.Route;
import org.sealpost.protocol.AddMembersRequest;
import org.sealpost.protocol.CreateGroupRequest;
import org.sealpost.protocol.GroupSendRequest;
import org.sealpost.protocol.GroupSettings;
import org.sealpost.protocol.SetMetadataRequest;

/**
 * Routes of groups (documented in groups.proto); every one needs an authenticated device. The
 * membership routes go to {@link GroupsService}, the send to its {@link GroupFanOut}.
 */
public final class GroupRoutes {
  private GroupRoutes() {}

  public static List<Route> of(GroupsService groups) {
    GroupFanOut fanOut = groups.fanOut();
    return List.of(
        new Route("POST", "/v1/groups", CreateGroupRequest.getDefaultInstance(), Access.DEVICE, false,
            call -> groups.create(call.device(), call.body(CreateGroupRequest.class))),
        new Route("GET", "/v1/groups/:id", EMPTY, Access.DEVICE, false,
            call -> groups.get(call.device(), call.params().get(0))),
        new Route("PUT", "/v1/groups/:id/members", AddMembersRequest.getDefaultInstance(), Access.DEVICE, false,
            call -> groups.addMembers(call.device(), call.params().get(0), call.body(AddMembersRequest.class))),
        new Route("DELETE", "/v1/groups/:id/members/:number", EMPTY, Access.DEVICE, false,
            call -> groups.removeMember(call.device(), call.params().get(0),
                PhoneNumbers.require(call.params().get(1), "number"))),
        new Route("PUT", "/v1/groups/:id/admins/:number", EMPTY, Access.DEVICE, false,
            call -> groups.setAdmin(call.device(), call.params().get(0),
                PhoneNumbers.require(call.params().get(1), "number"), true)),
        new Route("DELETE", "/v1/groups/:id/admins/:number", EMPTY, Access.DEVICE, false,
            call -> groups.setAdmin(call.device(), call.params().get(0),
                PhoneNumbers.require(call.params().get(1), "number"), false)),
        new Route("PUT", "/v1/groups/:id/settings", GroupSettings.getDefaultInstance(), Access.DEVICE, false,
            call -> groups.setSettings(call.device(), call.params().get(0), call.body(GroupSettings.class))),
        new Route("PUT", "/v1/groups/:id/metadata", SetMetadataRequest.getDefaultInstance(), Access.DEVICE, false,
            call -> groups.setMetadata(call.device(), call.params().get(0), call.body(SetMetadataRequest.class))),
        new Route("PUT", "/v1/groups/:id/messages", GroupSendRequest.getDefaultInstance(), Access.DEVICE, true,
            call -> fanOut.send(call.device(), call.params().get(0), call.body(GroupSendRequest.class))));
  }
}
