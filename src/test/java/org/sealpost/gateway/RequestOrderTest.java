package org.sealpost.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sealpost.api.Route;

/** Which requests of one connection wait for which (see {@link RequestOrder}). */
class RequestOrderTest {
  private final RequestOrder order = new RequestOrder();
  private final List<String> started = new ArrayList<>();

  /** A request that records its start and completes when the test says so. */
  private Promise<String> request(String key, String name) {
    Promise<String> done = Promise.promise();
    order.run(key, () -> {
      started.add(name);
      return done.future();
    });
    return done;
  }

  @Test
  void requestsWithOneKeyRunOneAfterAnother() {
    Promise<String> first = request("to:bob", "first");
    request("to:bob", "second");
    assertThat(started).containsExactly("first");

    first.fail("a failed request does not stop the next");
    assertThat(started).containsExactly("first", "second");
  }

  @Test
  void aSlowRequestHoldsUpNoOtherKey() {
    request("to:bob", "to bob");
    request("to:carol", "to carol");
    request("to:dave", "to dave");
    assertThat(started).containsExactly("to bob", "to carol", "to dave");
  }

  @Test
  void aRequestForAllWaitsForEveryEarlierOneAndHoldsEveryLaterOne() {
    Promise<String> bob = request("to:bob", "to bob");
    Promise<String> carol = request("to:carol", "to carol");
    Promise<String> group = request(Route.Order.ALL_KEY, "group");
    request("to:dave", "to dave");
    request("to:bob", "to bob again");

    bob.complete("ok");
    assertThat(started).containsExactly("to bob", "to carol");
    carol.complete("ok");
    assertThat(started).containsExactly("to bob", "to carol", "group");
    group.complete("ok");
    assertThat(started).containsExactly("to bob", "to carol", "group", "to dave", "to bob again");
  }

  @Test
  void keysAreForgottenOnceTheirRequestsAreDone() {
    Promise<String> bob = request("to:bob", "to bob");
    Promise<String> bobAgain = request("to:bob", "to bob again");
    Promise<String> carol = request("to:carol", "to carol");
    assertThat(order.pendingKeys()).isEqualTo(2);

    bob.complete("ok");
    carol.complete("ok");
    assertThat(order.pendingKeys()).isEqualTo(1);
    bobAgain.complete("ok");
    assertThat(order.pendingKeys()).isZero();
  }

  @Test
  void theResultIsTheRequests() {
    Promise<String> done = Promise.promise();
    Future<String> result = order.run("to:bob", done::future);
    done.complete("answer");
    assertThat(result.result()).isEqualTo("answer");
  }
}
