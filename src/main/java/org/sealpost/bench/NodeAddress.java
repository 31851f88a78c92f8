package org.sealpost.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** One server node the bench's clients connect to: its HTTP URL and TCP port. */
record NodeAddress(URI http, int tcpPort) {
  /** The nodes of {@code --server URL[,URL...]} and {@code --tcp-port N[,N...]} (one port for all, or one each). */
  static List<NodeAddress> parse(String urls, String ports) {
    String[] servers = urls.split(",");
    String[] tcp = ports.split(",");
    if (tcp.length != 1 && tcp.length != servers.length) {
      throw new IllegalArgumentException("--tcp-port takes one port, or one per --server URL");
    }
    List<NodeAddress> nodes = new ArrayList<>();
    for (int i = 0; i < servers.length; i++) {
      nodes.add(new NodeAddress(URI.create(servers[i].trim()), Integer.parseInt(tcp[tcp.length == 1 ? 0 : i].trim())));
    }
    return nodes;
  }
}
