package org.sealpost;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The direction of dependencies between Sealpost's packages, read from the sources (docs/architecture.md
 * draws the graph): no package cycles; features offer routes through {@code api} and never import the
 * gateway, which only the wiring in {@code server} assembles, and the gateway knows no feature but the
 * message path; the client SDK and CLI stand apart from the server.
 */
class PackageGraphTest {
  private static final Path SOURCES = Path.of("src/main/java");
  private static final String ROOT = "org.sealpost.";
  /** A reference to a Sealpost class, in an import or written out in code: its package. */
  private static final Pattern REFERENCE = Pattern.compile("\\borg\\.sealpost\\.((?:[a-z_][a-z0-9_]*\\.)*[a-z_][a-z0-9_]*)\\.(?:[A-Z]|\\*)");
  /** Features besides the message path (routing), which offer routes and never see a connection. */
  private static final Set<String> FEATURES = Set.of("accounts", "calls", "groups", "keys", "lifecycle", "media",
      "presence", "privacy", "push");
  /** What client code may use: itself, the wire protocol it speaks and the key log's proofs. */
  private static final Set<String> CLIENT_SIDE = Set.of("client", "client.proto", "cli", "web", "protocol", "merkle");

  /** package -> package it uses -> the files that use it */
  private static final Map<String, Map<String, Set<String>>> GRAPH = read();

  @Test
  void noPackageCycles() {
    assertThat(cycles(GRAPH)).as("package cycles, with the files that close them").isEmpty();
  }

  @Test
  void onlyTheServerWiringImportsTheGateway() {
    Map<String, Set<String>> importers = new TreeMap<>();
    GRAPH.forEach((from, uses) -> {
      if (!from.equals("gateway") && !from.equals("server") && uses.containsKey("gateway")) {
        importers.put(from, uses.get("gateway"));
      }
    });
    assertThat(importers).as("features that import gateway instead of api").isEmpty();
  }

  @Test
  void theGatewayKnowsNoFeatureButTheMessagePath() {
    Set<String> features = new TreeSet<>(GRAPH.getOrDefault("gateway", Map.of()).keySet());
    features.retainAll(FEATURES);
    assertThat(features).as("features the gateway imports (it may use api, and routing for delivery and acks)").isEmpty();
  }

  @Test
  void theClientAndTheCliUseNoServerPackage() {
    Map<String, Set<String>> offenders = new TreeMap<>();
    for (String side : List.of("client", "cli", "web")) {
      GRAPH.getOrDefault(side, Map.of()).forEach((used, files) -> {
        if (!CLIENT_SIDE.contains(used)) {
          offenders.put(side + " -> " + used, files);
        }
      });
    }
    assertThat(offenders).as("client code that depends on the server").isEmpty();
    assertThat(GRAPH.getOrDefault("merkle", Map.of())).as("merkle stands alone, for client and server").isEmpty();
  }

  @Test
  void theCheckSeesACycleAndTheFilesInIt() {
    Map<String, Map<String, Set<String>>> graph = Map.of(
        "accounts", Map.of("routing", Set.of("AccountsService")),
        "routing", Map.of("api", Set.of("Router"), "accounts", Set.of("MessagesService")),
        "api", Map.of());
    assertThat(cycles(graph)).containsExactly(
        "accounts -> routing (AccountsService), routing -> accounts (MessagesService)");
    assertThat(GRAPH).as("the sources were read").containsKeys("gateway", "server", "client", "store");
  }

  // ------------------------------------------------------------------ reading and checking

  private static Map<String, Map<String, Set<String>>> read() {
    Map<String, Map<String, Set<String>>> graph = new TreeMap<>();
    try (Stream<Path> files = Files.walk(SOURCES.resolve("org/sealpost"))) {
      files.filter(file -> file.toString().endsWith(".java")).forEach(file -> {
        String name = SOURCES.relativize(file.getParent()).toString().replace('/', '.') + ".";
        String from = name.equals(ROOT) ? "(root)" : name.substring(ROOT.length(), name.length() - 1);
        Map<String, Set<String>> uses = graph.computeIfAbsent(from, p -> new TreeMap<>());
        Matcher reference = REFERENCE.matcher(code(file));
        while (reference.find()) {
          String to = reference.group(1);
          if (!to.equals(from)) {
            uses.computeIfAbsent(to, p -> new TreeSet<>()).add(file.getFileName().toString().replace(".java", ""));
          }
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return graph;
  }

  /** The file without comments and string literals, so only code counts. */
  private static String code(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ").replaceAll("\"(?:\\\\.|[^\"\\\\\n])*\"", "\"\"");
  }

  /** Each cycle (a strongly connected group of packages) as its edges, with the files behind each. */
  static List<String> cycles(Map<String, Map<String, Set<String>>> graph) {
    List<String> found = new ArrayList<>();
    for (Set<String> group : stronglyConnected(graph)) {
      if (group.size() > 1) {
        List<String> edges = new ArrayList<>();
        for (String from : group) {
          graph.get(from).forEach((to, files) -> {
            if (group.contains(to)) {
              edges.add(from + " -> " + to + " (" + String.join(", ", files) + ")");
            }
          });
        }
        found.add(String.join(", ", edges));
      }
    }
    return found;
  }

  /** Tarjan's algorithm over the packages (few enough for recursion). */
  private static List<Set<String>> stronglyConnected(Map<String, Map<String, Set<String>>> graph) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    List<Set<String>> groups = new ArrayList<>();
    for (String start : new TreeSet<>(graph.keySet())) {
      if (!index.containsKey(start)) {
        visit(start, graph, index, low, stack, groups);
      }
    }
    return groups;
  }

  private static void visit(String node, Map<String, Map<String, Set<String>>> graph, Map<String, Integer> index,
      Map<String, Integer> low, Deque<String> stack, List<Set<String>> groups) {
    index.put(node, index.size());
    low.put(node, index.get(node));
    stack.push(node);
    for (String next : graph.getOrDefault(node, Map.of()).keySet()) {
      if (!index.containsKey(next)) {
        visit(next, graph, index, low, stack, groups);
        low.put(node, Math.min(low.get(node), low.get(next)));
      } else if (stack.contains(next)) {
        low.put(node, Math.min(low.get(node), index.get(next)));
      }
    }
    if (low.get(node).equals(index.get(node))) {
      Set<String> group = new TreeSet<>();
      String member;
      do {
        member = stack.pop();
        group.add(member);
      } while (!member.equals(node));
      groups.add(group);
    }
  }
}
