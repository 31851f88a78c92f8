package org.sealpost.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sealpost.limits.Limit;
import org.sealpost.limits.RateLimitConfig;

/**
 * Loads {@link SealpostConfig}: built-in defaults, then the YAML file, then environment
 * variables. Every key {@code a.bKey.c} can be set by {@code SEALPOST_A_B_KEY_C}: the path
 * upper-cased, camelCase split with underscores, dots turned into underscores. Map-valued keys
 * ({@code accounts.testNumbers}) take inline YAML/JSON ({@code {"+15550000001": "123456"}}).
 * Durations are written {@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}, {@code 30d} (or
 * ISO-8601); keys ending in {@code Bytes} take {@code 128KiB}, {@code 96KiB}, {@code 100MiB}.
 * A bad value or an unknown key fails start-up with a message naming the key.
 */
public final class ConfigLoader {
  public static final String ENV_PREFIX = "SEALPOST_";
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB)?");

  private final ObjectMapper yaml;

  public ConfigLoader() {
    SimpleModule durations = new SimpleModule("sealpost-durations");
    durations.addDeserializer(Duration.class, new DurationDeserializer());
    durations.addSerializer(Duration.class, new DurationSerializer());
    yaml = new ObjectMapper(new YAMLFactory())
        .registerModule(durations)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
  }

  /** Loads from a file (null: defaults only) and the given environment. */
  public SealpostConfig load(Path file, Map<String, String> env) {
    ObjectNode tree = defaultsTree();
    if (file != null) {
      try {
        JsonNode fromFile = yaml.readTree(Files.readString(file));
        if (fromFile != null && !fromFile.isMissingNode() && !fromFile.isNull()) {
          if (!fromFile.isObject()) {
            throw new IllegalArgumentException(file + " must hold a YAML mapping");
          }
          merge(tree, (ObjectNode) fromFile, "");
        }
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read configuration " + file + ": " + e.getMessage(), e);
      }
    }
    applyEnvironment(tree, "", env);
    return bind(tree);
  }

  /** Every environment variable name that can override a key, with its key (for the docs). */
  public Map<String, String> environmentNames() {
    Map<String, String> names = new TreeMap<>();
    collectNames(defaultsTree(), "", names);
    return names;
  }

  /** The effective configuration as YAML, for the start-up log, with secrets redacted. */
  public String describe(SealpostConfig config) {
    try {
      ObjectNode tree = yaml.valueToTree(config);
      JsonNode redis = tree.path("store").path("redis");
      if (redis.isObject()) {
        ((ObjectNode) redis).put("uri", redis.path("uri").asText().replaceAll("//[^@/]*@", "//***@"));
      }
      redact(tree, "turn", "secret");
      redact(tree, "metrics", "adminToken");
      return yaml.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      return config.toString();
    }
  }

  private static void redact(ObjectNode tree, String section, String key) {
    JsonNode node = tree.path(section);
    if (node.isObject() && !node.path(key).asText().isEmpty()) {
      ((ObjectNode) node).put(key, "***");
    }
  }

  public static String envName(String path) {
    return ENV_PREFIX + path.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_').toUpperCase(Locale.ROOT);
  }

  private ObjectNode defaultsTree() {
    Map<String, RateLimitConfig> limits = new TreeMap<>();
    for (Limit limit : Limit.values()) {
      limits.put(limit.id(), limit.defaults());
    }
    return yaml.valueToTree(SealpostConfig.defaults().withLimits(limits));
  }

  private static void merge(ObjectNode target, ObjectNode source, String prefix) {
    Iterator<Map.Entry<String, JsonNode>> fields = source.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String key = prefix + field.getKey();
      JsonNode existing = target.get(field.getKey());
      if (existing == null) {
        throw new IllegalArgumentException("unknown configuration key " + key);
      }
      if (existing.isObject() && field.getValue().isObject() && !isMapKey(key)) {
        merge((ObjectNode) existing, (ObjectNode) field.getValue(), key + ".");
      } else if (existing.isObject() && field.getValue().isObject() && key.equals("limits")) {
        mergeLimits((ObjectNode) existing, (ObjectNode) field.getValue());
      } else {
        target.set(field.getKey(), field.getValue());
      }
    }
  }

  private static void mergeLimits(ObjectNode target, ObjectNode source) {
    source.fields().forEachRemaining(limit -> {
      JsonNode existing = target.get(limit.getKey());
      if (existing == null) {
        throw new IllegalArgumentException("unknown configuration key limits." + limit.getKey());
      }
      if (!limit.getValue().isObject()) {
        throw new IllegalArgumentException("limits." + limit.getKey() + " must be a mapping");
      }
      merge((ObjectNode) existing, (ObjectNode) limit.getValue(), "limits." + limit.getKey() + ".");
    });
  }

  /** Keys whose value is a free-form map rather than a record. */
  private static boolean isMapKey(String key) {
    return key.equals("accounts.testNumbers") || key.equals("limits");
  }

  private void applyEnvironment(ObjectNode node, String prefix, Map<String, String> env) {
    List<String> keys = new ArrayList<>();
    node.fieldNames().forEachRemaining(keys::add);
    for (String field : keys) {
      String key = prefix + field;
      JsonNode value = node.get(field);
      String fromEnv = env.get(envName(key));
      if (value.isObject() && !key.equals("accounts.testNumbers")) {
        applyEnvironment((ObjectNode) value, key + ".", env);
      } else if (fromEnv != null) {
        try {
          // Lists (turn.uris) take inline YAML too: ["turn:host:3478", "stun:host:3478"].
          node.set(field, value.isObject() || value.isArray() ? yaml.readTree(fromEnv) : new TextNode(fromEnv));
        } catch (JsonProcessingException e) {
          throw new IllegalArgumentException(envName(key) + " is not valid YAML: " + e.getOriginalMessage());
        }
      }
    }
  }

  private static void collectNames(JsonNode node, String prefix, Map<String, String> names) {
    node.fieldNames().forEachRemaining(field -> {
      String key = prefix + field;
      JsonNode value = node.get(field);
      if (value.isObject() && !key.equals("accounts.testNumbers")) {
        collectNames(value, key + ".", names);
      } else {
        names.put(envName(key), key);
      }
    });
  }

  private SealpostConfig bind(ObjectNode tree) {
    normalizeSizes(tree, "");
    try {
      return yaml.treeToValue(tree, SealpostConfig.class);
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalArgumentException("invalid configuration: " + cause.getMessage(), cause);
    } catch (UnrecognizedPropertyException e) {
      throw new IllegalArgumentException("unknown configuration key " + e.getPropertyName() + " at " + path(e), e);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("invalid configuration at " + path(e) + ": " + e.getOriginalMessage(), e);
    }
  }

  private static String path(JsonProcessingException e) {
    if (e instanceof com.fasterxml.jackson.databind.JsonMappingException mapping) {
      StringBuilder path = new StringBuilder();
      for (var ref : mapping.getPath()) {
        if (path.length() > 0) {
          path.append('.');
        }
        path.append(ref.getFieldName() != null ? ref.getFieldName() : String.valueOf(ref.getIndex()));
      }
      return path.toString();
    }
    return "?";
  }

  private static void normalizeSizes(ObjectNode node, String prefix) {
    List<String> keys = new ArrayList<>();
    node.fieldNames().forEachRemaining(keys::add);
    for (String field : keys) {
      JsonNode value = node.get(field);
      if (value.isObject()) {
        normalizeSizes((ObjectNode) value, prefix + field + ".");
      } else if (field.endsWith("Bytes") && value.isTextual()) {
        node.put(field, parseSize(prefix + field, value.asText()));
      }
    }
  }

  static long parseSize(String key, String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(key + " must be a size like 131072, 128KiB or 100MiB, got '" + text + "'");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "B" : m.group(2);
    return switch (unit) {
      case "KiB" -> n * 1024;
      case "MiB" -> n * 1024 * 1024;
      case "GiB" -> n * 1024 * 1024 * 1024;
      default -> n;
    };
  }

  static Duration parseDuration(String text) {
    String t = text.trim();
    Matcher m = DURATION.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    try {
      return Duration.parse(t);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a duration (like 500ms, 30s, 10m, 2h, 30d): '" + text + "'");
    }
  }

  static String formatDuration(Duration d) {
    long ms = d.toMillis();
    if (d.toNanos() % 1_000_000 != 0) {
      return d.toString();
    }
    long[] units = {86_400_000L, 3_600_000L, 60_000L, 1000L};
    String[] names = {"d", "h", "m", "s"};
    for (int i = 0; i < units.length; i++) {
      if (ms != 0 && ms % units[i] == 0) {
        return ms / units[i] + names[i];
      }
    }
    return ms + "ms";
  }

  private static final class DurationDeserializer extends JsonDeserializer<Duration> {
    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      try {
        return parseDuration(p.getValueAsString());
      } catch (IllegalArgumentException e) {
        throw com.fasterxml.jackson.databind.exc.InvalidFormatException.from(p, e.getMessage(), p.getText(), Duration.class);
      }
    }
  }

  private static final class DurationSerializer extends JsonSerializer<Duration> {
    @Override
    public void serialize(Duration value, com.fasterxml.jackson.core.JsonGenerator gen, SerializerProvider serializers)
        throws IOException {
      gen.writeString(formatDuration(value));
    }
  }
}
