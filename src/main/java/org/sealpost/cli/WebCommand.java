package org.sealpost.cli;

import io.vertx.core.DeploymentOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.sealpost.client.SealpostClient;
import org.sealpost.web.WebClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sealpost web}: serves this device's chats to a browser on this machine until stopped
 * (Ctrl-C). The link it prints carries the only key to the page.
 */
@Command(name = "web", mixinStandardHelpOptions = true,
    description = "Chat in a browser: serves this device's chats on 127.0.0.1 until Ctrl-C; open the link it prints.")
public final class WebCommand extends ClientCommand {
  /** How long a stop may take to let the history and the state reach the disk. */
  private static final Duration STOP = Duration.ofSeconds(30);

  @Option(names = "--state", required = true, paramLabel = "DIR", description = "This device's state directory.")
  Path state;

  @Mixin ServerList servers;

  @Option(names = "--port", paramLabel = "N", defaultValue = "0",
      description = "Local port on 127.0.0.1 (default: any free one).")
  int port;

  @Option(names = "--phone", paramLabel = "+E164",
      description = "Register this number first (asks for the code) when DIR holds no account yet; needs --server.")
  String phone;

  @Override
  int run(ClientRuntime runtime) throws Exception {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--port must be 0 to 65535");
    }
    if (!SealpostClient.hasAccount(state)) {
      if (phone == null || servers.servers.isEmpty()) {
        err().println("sealpost: " + state + " holds no account yet: give --server URL --phone +E164 to register one,"
            + " or use a directory made by `sealpost register` or `sealpost link`.");
        return 1;
      }
      // The same registration as `sealpost register`, code prompt included.
      int registered = new CommandLine(new RegisterCommand()).setOut(out()).setErr(err()).execute(
          "--server", servers.servers.get(0).toString(), "--phone", phone, "--state", state.toString(),
          "--device-name", "sealpost-web");
      if (registered != 0) {
        return registered;
      }
    }
    WebClient web = new WebClient(state, servers.servers, port);
    String deployment = runtime.await(runtime.vertx().deployVerticle(web, new DeploymentOptions()));
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      try {
        runtime.await(runtime.vertx().undeploy(deployment), STOP);
      } catch (Exception e) {
        err().println("sealpost: stopping the web client: " + e.getMessage());
      } finally {
        stopped.countDown();
      }
    }, "sealpost-web-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    out().println("Chats of this device are at (open in a browser on this machine; the link is the key, keep it to"
        + " yourself):");
    out().println("  " + web.url());
    out().println("Press Ctrl-C to stop.");
    out().flush();
    stopped.await();
    return 0;
  }
}
