package org.sealpost.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sealpost.testing.Await.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.google.protobuf.Empty;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.client.WireConnection;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.protocol.PresenceSubscribeRequest;
import org.sealpost.protocol.ReadReceiptRequest;
import org.sealpost.testing.TestDevice;
import org.sealpost.testing.TestServer;
import org.slf4j.LoggerFactory;

/**
 * docs/security.md promises masked numbers in logs. With every logger at DEBUG (Sealpost's, Vert.x's,
 * Netty's), a run through the common paths and their failures writes no full phone number, in any
 * form (with or without its +), in a message, a key-value pair or an exception.
 */
class LogPrivacyTest {

  @Test
  void aRunAtDebugLogsNoFullNumber(@TempDir Path dir) throws Exception {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    // every logger with a level of its own (logback.xml quiets some) goes to DEBUG for the run
    java.util.Map<Logger, Level> previous = new java.util.HashMap<>();
    for (Logger logger : context.getLoggerList()) {
      if (logger.getLevel() != null) {
        previous.put(logger, logger.getLevel());
        logger.setLevel(Level.DEBUG);
      }
    }
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.setContext(context);
    lines.start();
    root.addAppender(lines);
    List<String> numbers = new ArrayList<>();
    try (TestServer server = new TestServer(dir)) {
      DeviceCredentials aliceCredentials = server.register();
      DeviceCredentials bobCredentials = server.register();
      numbers.add(aliceCredentials.getNumber());
      numbers.add(bobCredentials.getNumber());
      TestDevice alice = server.device(aliceCredentials);
      TestDevice bob = server.device(bobCredentials, TestServer.Transport.WEBSOCKET);

      // a message, its delivery and receipts, a read receipt, presence
      var id = TestDevice.newMessageId();
      alice.send(bob.number(), List.of(bob.deviceId()), id, "hello");
      bob.next();
      await(bob.connection().request("PUT", "/v1/receipts/read",
          ReadReceiptRequest.newBuilder().setDestination(alice.number()).addMessageIds(id).build()));
      await(alice.connection().request("PUT", "/v1/presence/subscriptions",
          PresenceSubscribeRequest.newBuilder().addNumbers(bob.number()).build()));
      // failures: a send to a device that does not exist, a key fetch with nothing to find (over HTTP,
      // the number in the path and in Basic auth), a wrong password, a login that replaces another
      await(alice.sendRaw(TestDevice.request(bob.number(), List.of(7), TestDevice.newMessageId(), "x", false)));
      HttpClient http = HttpClient.newHttpClient();
      String basic = "Basic " + Base64.getEncoder().encodeToString((alice.number() + "." + alice.deviceId() + ":"
          + aliceCredentials.getPassword()).getBytes(StandardCharsets.UTF_8));
      http.send(HttpRequest.newBuilder(server.httpUri().resolve("/v1/keys/" + bob.number() + "/1"))
          .header("Authorization", basic).build(), HttpResponse.BodyHandlers.ofString());
      WireConnection wrong = server.connect(TestServer.Transport.TCP);
      wrong.authenticate(bob.number(), bob.deviceId(), "not-the-password").otherwise(err -> null)
          .toCompletionStage().toCompletableFuture().get();
      TestDevice again = server.device(aliceCredentials);
      await(again.connection().request("GET", "/v1/keepalive", Empty.getDefaultInstance()));
      again.close();
      bob.close();
    } finally {
      root.detachAppender(lines);
      previous.forEach(Logger::setLevel);
    }

    List<ILoggingEvent> events = List.copyOf(lines.list);
    assertThat(events).hasSizeGreaterThan(20);
    for (ILoggingEvent event : events) {
      String text = everything(event);
      for (String number : numbers) {
        assertThat(text).as("a %s line of %s", event.getLevel(), event.getLoggerName())
            .doesNotContain(number.substring(1));
      }
    }
  }

  private static String everything(ILoggingEvent event) {
    StringBuilder text = new StringBuilder(event.getFormattedMessage());
    if (event.getKeyValuePairs() != null) {
      event.getKeyValuePairs().forEach(kv -> text.append(' ').append(kv.key).append('=').append(kv.value));
    }
    event.getMDCPropertyMap().forEach((key, value) -> text.append(' ').append(key).append('=').append(value));
    for (IThrowableProxy error = event.getThrowableProxy(); error != null; error = error.getCause()) {
      text.append(' ').append(error.getMessage());
    }
    return text.toString();
  }
}
