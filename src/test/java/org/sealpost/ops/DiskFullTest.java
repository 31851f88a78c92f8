package org.sealpost.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sealpost.client.RequestFailedException;
import org.sealpost.protocol.Envelope;
import org.sealpost.testing.Await;
import org.sealpost.testing.TestDevice;
import org.sealpost.testing.TestServer;
import org.slf4j.LoggerFactory;

/**
 * A full disk under the embedded store (#19, item 3), on a small tmpfs of its own: sends get a
 * typed, retryable 503 and no single tick, readiness turns unready, one log line marks the
 * episode, a counter counts the refusals, and once space returns the node takes writes again by
 * itself. Mounting needs root; where that is refused the test is skipped.
 */
class DiskFullTest {
  private static final long MIN_FREE = 64L * 1024 * 1024;

  @TempDir Path dir;

  @Test
  void aFullDiskRefusesSendsWith503UntilSpaceReturns() throws Exception {
    Path disk = Files.createDirectories(dir.resolve("disk"));
    assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=256m", "tmpfs", disk.toString()) == 0,
        "mounting a small tmpfs needs root");
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger guardLog = context.getLogger("org.sealpost.store.embedded.DiskSpaceGuard");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.setContext(context);
    lines.start();
    guardLog.addAppender(lines);
    Path ballast = disk.resolve("ballast");
    try (TestServer server = new TestServer(disk.resolve("data"),
        config -> config.withNode(config.node().withMinFreeDiskBytes(MIN_FREE)));
        TestDevice alice = server.device(server.register());
        TestDevice bob = server.device(server.register())) {
      assertThat(sendStatus(alice, bob)).isEqualTo(200);
      bob.next(5);

      // Leave half the floor free: the store notices within its check interval.
      fill(ballast, Files.getFileStore(disk).getUsableSpace() - MIN_FREE / 2);
      Await.until("a send refused", Duration.ofSeconds(5), () -> sendStatus(alice, bob) == 503);
      for (int i = 0; i < 20; i++) {
        assertThat(sendStatus(alice, bob)).as("send %d on a full disk", i).isEqualTo(503);
      }
      Await.until("readiness off", Duration.ofSeconds(5), () -> ready(server).statusCode() == 503);
      assertThat(ready(server).body()).contains("store writes").contains("node.minFreeDiskBytes");
      assertThat(server.server().meters().get("sealpost.store.writes.refused").functionCounter().count())
          .isGreaterThanOrEqualTo(21);
      assertThat(server.server().meters().get("sealpost.store.writable").gauge().value()).isZero();

      // Space returns: writes resume by themselves, and what was refused can be sent again.
      Files.delete(ballast);
      Await.until("sends taken again", Duration.ofSeconds(10), () -> sendStatus(alice, bob) == 200);
      Envelope delivered = bob.next(5);
      assertThat(delivered.getType()).isEqualTo(Envelope.Type.MESSAGE);
      Await.until("ready again", Duration.ofSeconds(5), () -> ready(server).statusCode() == 200);
      assertThat(server.server().meters().get("sealpost.store.writable").gauge().value()).isEqualTo(1);
      assertThat(lines.list.stream().filter(line -> line.getLevel() == Level.WARN)).as("warnings of the episode").hasSize(1);
      assertThat(lines.list.stream().filter(line -> line.getLevel() == Level.INFO
          && line.getFormattedMessage().contains("succeed again"))).hasSize(1);
    } finally {
      guardLog.detachAppender(lines);
      Files.deleteIfExists(ballast);
      run("umount", "-l", disk.toString());
    }
  }

  /** 200 when the send is stored (single tick), else the status it was refused with. */
  private static int sendStatus(TestDevice from, TestDevice to) {
    try {
      from.send(to.number(), List.of(1), TestDevice.newMessageId(), "hello");
      return 200;
    } catch (RequestFailedException e) {
      return e.status();
    }
  }

  private static HttpResponse<String> ready(TestServer server) {
    return Scrape.get(server.httpUri(), "/health/ready");
  }

  private static void fill(Path file, long bytes) throws IOException {
    ByteBuffer chunk = ByteBuffer.allocate(1024 * 1024);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (long written = 0; written < bytes; ) {
        chunk.clear().limit((int) Math.min(chunk.capacity(), bytes - written));
        written += channel.write(chunk);
      }
    }
  }

  private static int run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
    return process.waitFor();
  }
}
