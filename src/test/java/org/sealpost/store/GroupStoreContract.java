package org.sealpost.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.store.Awaits.await;
import static org.sealpost.store.Awaits.awaitFailure;
import static org.sealpost.store.Awaits.inParallel;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sealpost.errors.ErrorCode;
import org.sealpost.errors.SealpostException;
import org.sealpost.protocol.Group;
import org.sealpost.protocol.GroupMember;

/** What every {@link GroupStore} must do; a backend's test extends this. */
@ExtendWith(VertxExtension.class)
public abstract class GroupStoreContract {
  protected static final String ID = "00112233445566778899aabbccddeeff";

  protected GroupStore store;

  /** A new, empty store. The subclass releases what it opened (e.g. in an @AfterEach). */
  protected abstract GroupStore newStore(Vertx vertx) throws Exception;

  @BeforeEach
  void createStore(Vertx vertx) throws Exception {
    store = newStore(vertx);
  }

  protected static Group group(String id, String... members) {
    Group.Builder group = Group.newBuilder().setId(id).setRevision(1).setCreated(1_000);
    for (String member : members) {
      group.addMembers(GroupMember.newBuilder().setNumber(member).setJoinedAtRevision(1));
    }
    return group.build();
  }

  protected static Group withMember(Group group, String number) {
    return group.toBuilder().setRevision(group.getRevision() + 1)
        .addMembers(GroupMember.newBuilder().setNumber(number).setJoinedAtRevision(group.getRevision() + 1))
        .build();
  }

  @Test
  void createStoresOnceAndGetReadsIt() {
    Group group = group(ID, "+15550000001");
    assertThat(await(store.create(group))).isTrue();
    assertThat(await(store.create(group(ID, "+15550000009")))).isFalse();
    assertThat(await(store.get(ID))).contains(group);
    assertThat(await(store.get("ffffffffffffffffffffffffffffffff"))).isEmpty();
  }

  @Test
  void updateStoresWhatTheChangeReturns() {
    await(store.create(group(ID, "+15550000001")));
    Group changed = await(store.update(ID, current -> withMember(current, "+15550000002")));
    assertThat(changed.getRevision()).isEqualTo(2);
    assertThat(await(store.get(ID))).contains(changed);
  }

  @Test
  void aRefusedChangeStoresNothing() {
    Group group = group(ID, "+15550000001");
    await(store.create(group));
    Throwable failure = awaitFailure(store.update(ID, current -> {
      throw SealpostException.forbidden("no");
    }));
    assertThat(((SealpostException) failure).code()).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(await(store.get(ID))).contains(group);
  }

  @Test
  void updateOfAMissingGroupIsNotFound() {
    Throwable failure = awaitFailure(store.update(ID, current -> current));
    assertThat(((SealpostException) failure).code()).isEqualTo(ErrorCode.NOT_FOUND);
  }

  /** Concurrent admins: every change lands, none overwrites another. */
  @Test
  void concurrentChangesAreNeverLost() {
    await(store.create(group(ID, "+15550000001")));
    List<Group> results = inParallel(20, i -> store.update(ID, current -> withMember(current, "+1555100" + (1000 + i))));
    Group last = await(store.get(ID)).orElseThrow();
    assertThat(last.getMembersCount()).isEqualTo(21);
    assertThat(last.getRevision()).isEqualTo(21);
    assertThat(results).extracting(Group::getRevision).doesNotHaveDuplicates();
  }

  @Test
  void memberOfListsExactlyTheGroupsOfTheNumber() {
    String a = "00000000000000000000000000000001";
    String b = "00000000000000000000000000000002";
    String c = "00000000000000000000000000000003";
    await(store.create(group(a, "+15550000001", "+15550000002")));
    await(store.create(group(b, "+15550000003")));
    await(store.create(group(c, "+15550000003", "+15550000001")));

    assertThat(await(store.memberOf("+15550000001"))).extracting(Group::getId).containsExactlyInAnyOrder(a, c);
    assertThat(await(store.memberOf("+15550000002"))).extracting(Group::getId).containsExactly(a);
  }

  @Test
  void memberOfLeavesOutAGroupTheNumberWasRemovedFrom() {
    await(store.create(group(ID, "+15550000001", "+15550000002")));
    Group removed = await(store.update(ID, current -> current.toBuilder().setRevision(current.getRevision() + 1)
        .clearMembers().addMembers(current.getMembers(0)).build()));

    assertThat(removed.getMembersList()).extracting(GroupMember::getNumber).containsExactly("+15550000001");
    assertThat(await(store.memberOf("+15550000002"))).isEmpty();
    assertThat(await(store.memberOf("+15550000001"))).containsExactly(removed);
  }

  @Test
  void memberOfANumberInNoGroupIsEmpty() {
    await(store.create(group(ID, "+15550000001")));
    assertThat(await(store.memberOf("+15550000009"))).isEmpty();
  }
}
