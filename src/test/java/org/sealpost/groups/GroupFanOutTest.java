package org.sealpost.groups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.client.RequestFailedException;
import org.sealpost.client.RestClient;
import org.sealpost.protocol.CreateGroupRequest;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.Envelope;
import org.sealpost.protocol.Group;
import org.sealpost.protocol.GroupSendResponse;
import org.sealpost.protocol.LinkCode;
import org.sealpost.protocol.Response;
import org.sealpost.testing.TestDevice;
import org.sealpost.testing.TestServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A full 1,024-member group: one send reaches every other member device exactly once, with receipts. */
class GroupFanOutTest {
  private static final Logger log = LoggerFactory.getLogger(GroupFanOutTest.class);
  private static final String PREFIX = "+1557";
  private static final int LINKED = 3;
  private static final int PARALLEL = 16;

  @TempDir Path dataDir;
  private TestServer server;
  private final List<TestDevice> devices = new ArrayList<>();

  @BeforeEach
  void start() {
    server = new TestServer(dataDir, config -> {
      Map<String, String> numbers = new HashMap<>(config.accounts().testNumbers());
      numbers.put(PREFIX + "*", TestServer.TEST_CODE);
      return config.withAccounts(config.accounts().withTestNumbers(numbers));
    });
  }

  @AfterEach
  void stop() {
    devices.forEach(TestDevice::close);
    server.close();
  }

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void aFullGroupFansOneMessageOutToEveryMemberDeviceOnce() {
    long started = System.nanoTime();
    List<DeviceCredentials> accounts = registerAll(GroupsService.MAX_MEMBERS + 1);
    DeviceCredentials outsider = accounts.remove(accounts.size() - 1);
    log.info("registered in {} ms", ms(started, System.nanoTime()));
    devices.addAll(connectAll(accounts));
    TestDevice alice = devices.get(0);
    for (int i = 1; i <= LINKED; i++) {
      devices.add(server.device(link(devices.get(i))));
    }
    long registered = System.nanoTime();

    List<String> others = accounts.subList(1, accounts.size()).stream().map(DeviceCredentials::getNumber).toList();
    Response tooMany = await(alice.connection().request("POST", "/v1/groups", CreateGroupRequest.newBuilder()
        .addAllMembers(others).addMembers(outsider.getNumber()).build()));
    assertThat(tooMany.getStatus()).isEqualTo(403);
    assertThat(GroupCalls.code(tooMany)).isEqualTo("GROUP_FULL");
    Group group = await(alice.connection().call("POST", "/v1/groups",
        CreateGroupRequest.newBuilder().addAllMembers(others).build(), Group.parser()), 60);
    assertThat(group.getMembersCount()).isEqualTo(GroupsService.MAX_MEMBERS);
    Response the1025th = GroupCalls.addRaw(alice, group.getId(), outsider.getNumber());
    assertThat(the1025th.getStatus()).isEqualTo(403);
    assertThat(GroupCalls.code(the1025th)).isEqualTo("GROUP_FULL");
    for (TestDevice device : devices) {
      GroupCalls.next(device, Envelope.Type.GROUP_EVENT);
    }
    long created = System.nanoTime();

    ByteString id = TestDevice.newMessageId();
    GroupSendResponse tick = GroupCalls.send(alice, group.getId(), id, "one sender-key ciphertext");
    long stored = System.nanoTime();
    List<TestDevice> recipients = devices.subList(1, devices.size());
    for (TestDevice device : recipients) {
      Envelope message = device.next(60);
      assertThat(message.getType()).isEqualTo(Envelope.Type.MESSAGE);
      assertThat(message.getMessageId()).isEqualTo(id);
      assertThat(message.getGroupId()).isEqualTo(group.getId());
    }
    long delivered = System.nanoTime();
    List<Envelope> receipts = alice.take(recipients.size(), 60);
    long receipted = System.nanoTime();

    assertThat(tick.getRecipients()).isEqualTo(GroupsService.MAX_MEMBERS - 1 + LINKED);
    Set<String> receiptDevices = new HashSet<>();
    for (Envelope receipt : receipts) {
      assertThat(receipt.getType()).isEqualTo(Envelope.Type.DELIVERY_RECEIPT);
      assertThat(receipt.getReceiptMessageIdsList()).containsExactly(id);
      receiptDevices.add(receipt.getSource() + "." + receipt.getSourceDevice());
    }
    assertThat(receiptDevices).hasSize(recipients.size());
    // Exactly once, proven by a control: a second copy of the first message would be queued before
    // the next one, and a second receipt for it would come before, or among, the next receipts.
    ByteString control = TestDevice.newMessageId();
    GroupCalls.send(alice, group.getId(), control, "the control");
    for (TestDevice device : recipients) {
      assertThat(device.next(60).getMessageId()).as("exactly once").isEqualTo(control);
    }
    assertThat(alice.take(recipients.size(), 60))
        .allSatisfy(receipt -> assertThat(receipt.getReceiptMessageIdsList()).containsExactly(control));
    log.info("1,024-member group: setup {} ms, create {} ms, send (single tick) {} ms, all delivered {} ms, "
            + "all receipts {} ms", ms(started, registered), ms(registered, created), ms(created, stored),
        ms(created, delivered), ms(created, receipted));
  }

  /** Registers over several HTTP clients at once (each keeps a handful of connections). */
  private List<DeviceCredentials> registerAll(int count) {
    List<RestClient> clients = new ArrayList<>();
    for (int i = 0; i < PARALLEL; i++) {
      clients.add(new RestClient(server.clients(), server.httpUri()));
    }
    try {
      List<DeviceCredentials> all = new ArrayList<>();
      int batch = 4 * PARALLEL;
      for (int from = 0; from < count; from += batch) {
        List<Future<DeviceCredentials>> registering = new ArrayList<>();
        for (int i = from; i < Math.min(count, from + batch); i++) {
          String number = String.format("%s%07d", PREFIX, i);
          RestClient rest = clients.get(i % PARALLEL);
          registering.add(register(rest, number, 3));
        }
        await(Future.all(registering), 60);
        registering.forEach(f -> all.add(f.result()));
      }
      return all;
    } finally {
      clients.forEach(rest -> await(rest.close()));
    }
  }

  /** Registers {@code number}; a 503 (a backend that timed out on a loaded machine) is tried again. */
  private static Future<DeviceCredentials> register(RestClient rest, String number, int attempts) {
    return rest.requestCode(number)
        .compose(sent -> rest.verify(number, sent.getSessionId(), TestServer.TEST_CODE, 1 + Math.abs(number.hashCode() % 16000),
            "member"))
        .recover(err -> attempts > 1 && err instanceof RequestFailedException failed && failed.status() == 503
            ? register(rest, number, attempts - 1)
            : Future.failedFuture(err));
  }

  /** Connects and authenticates every account's device, several at a time; the list keeps their order. */
  private List<TestDevice> connectAll(List<DeviceCredentials> accounts) {
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
    try {
      List<java.util.concurrent.Future<TestDevice>> connecting = new ArrayList<>();
      for (DeviceCredentials account : accounts) {
        connecting.add(pool.submit(() -> server.device(account)));
      }
      List<TestDevice> connected = new ArrayList<>();
      for (java.util.concurrent.Future<TestDevice> device : connecting) {
        connected.add(device.get(60, TimeUnit.SECONDS));
      }
      return connected;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      pool.shutdownNow();
    }
  }

  private DeviceCredentials link(TestDevice primary) {
    LinkCode code = await(primary.connection().call("POST", "/v1/devices/link-code", Empty.getDefaultInstance(),
        LinkCode.parser()));
    return await(server.rest().link(primary.number(), code.getCode(), 77, "linked"));
  }

  private static long ms(long from, long to) {
    return TimeUnit.NANOSECONDS.toMillis(to - from);
  }
}
