package org.sealpost.cli;

import io.vertx.core.Future;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.sealpost.client.SealpostClient;
import picocli.CommandLine.Option;

/**
 * {@code --server URL[,URL...]} for the commands that talk to the server on a device's behalf:
 * the nodes of a cluster to use instead of the server the state directory registered with, tried
 * in turn and failed over between as the SDK does ({@link SealpostClient#connect(List)}).
 */
final class ServerList {
  @Option(names = "--server", split = ",", paramLabel = "URL",
      description = "Nodes to use instead of the state's server (comma-separated), tried in turn; the connection"
          + " moves to the next when one fails.")
  List<URI> servers = new ArrayList<>();

  Future<SealpostClient> open(ClientRuntime runtime, Path state) {
    return SealpostClient.open(runtime.vertx(), state, servers);
  }

  /** Connects to the state's server, or to the first of the given ones that answers. */
  Future<Void> connect(SealpostClient client) {
    return servers.isEmpty() ? client.connect() : client.connect(servers);
  }
}
