package org.sealpost.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.sealpost.protocol.DeviceCredentials;
import org.sealpost.testing.Await;
import org.sealpost.testing.TestDevice;
import org.sealpost.testing.TestServer;

/** Each log line of a connection names it (conn=...), JSON lines included, and holds no phone number. */
class LogLinesTest {

  @Test
  void everyLineOfAConnectionCarriesItsIdAndNoNumber(@TempDir Path dir) throws Exception {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger connectionLog = context.getLogger("org.sealpost.gateway.Connection");
    Level previous = connectionLog.getLevel();
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.setContext(context);
    lines.start();
    connectionLog.addAppender(lines);
    connectionLog.setLevel(Level.DEBUG);
    try (TestServer server = new TestServer(dir)) {
      DeviceCredentials alice = server.register();
      DeviceCredentials bob = server.register();
      TestDevice first = server.device(alice);
      TestDevice second = server.device(bob, TestServer.Transport.WEBSOCKET);
      first.close();
      second.close();
      Await.until("both connections to log", Duration.ofSeconds(10), () -> List.copyOf(lines.list).stream()
          .filter(e -> e.getFormattedMessage().contains("authenticated")).count() >= 2);

      List<ILoggingEvent> events = List.copyOf(lines.list);
      assertThat(events).isNotEmpty().allSatisfy(event -> {
        assertThat(event.getKeyValuePairs()).as(event.getFormattedMessage()).isNotNull()
            .anySatisfy(kv -> assertThat(kv.key).isEqualTo("conn"));
        assertThat(event.getFormattedMessage()).doesNotContain(alice.getNumber()).doesNotContain(bob.getNumber());
      });
      Set<Object> ids = events.stream().filter(e -> e.getFormattedMessage().contains("authenticated"))
          .map(e -> e.getKeyValuePairs().get(0).value).collect(Collectors.toSet());
      assertThat(ids).hasSize(2);

      JsonNode json = new ObjectMapper().readTree(new String(LogFormat.encoder(context).encode(events.get(0)),
          StandardCharsets.UTF_8));
      assertThat(json.path("level").asText()).isNotEmpty();
      assertThat(json.path("formattedMessage").asText()).isEqualTo(events.get(0).getFormattedMessage());
      assertThat(json.path("kvpList").toString()).contains("conn");
      assertThat(json.has("arguments")).isFalse();
    } finally {
      connectionLog.detachAppender(lines);
      connectionLog.setLevel(previous);
    }
  }
}
