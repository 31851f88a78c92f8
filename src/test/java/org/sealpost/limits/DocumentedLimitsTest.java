package org.sealpost.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.sealpost.config.ConfigLoader;
import org.sealpost.config.SealpostConfig;

/**
 * The one table of rate limits (README.md, "Rate limits") says what the server applies: every
 * limit, with the defaults in the code and in conf/sealpost.yaml; docs/security.md points to it
 * rather than keeping numbers of its own.
 */
class DocumentedLimitsTest {
  private static final Pattern ROW = Pattern.compile("^\\| `(\\w+)` \\| (\\d+), every ([\\d.]+)(ms|s|m|h) \\|", Pattern.MULTILINE);

  @Test
  void readmesTableIsTheCodesDefaults() throws IOException {
    Map<String, RateLimitConfig> documented = documented();
    Map<String, RateLimitConfig> applied = Arrays.stream(Limit.values())
        .collect(Collectors.toMap(Limit::id, Limit::defaults, (a, b) -> a, LinkedHashMap::new));

    assertThat(documented).isEqualTo(applied);
  }

  @Test
  void theShippedConfigurationKeepsTheDocumentedDefaults() throws IOException {
    SealpostConfig shipped = new ConfigLoader().load(Path.of("conf", "sealpost.yaml"), Map.of());

    assertThat(shipped.limits()).isEqualTo(documented());
  }

  @Test
  void securityNotesPointToTheTableInsteadOfRepeatingIt() throws IOException {
    String security = Files.readString(Path.of("docs", "security.md"));

    assertThat(security).contains("README.md").contains("Rate limits");
    for (Limit limit : Limit.values()) {
      assertThat(security).as("docs/security.md repeats %s's numbers", limit.id())
          .doesNotContainPattern("`(limits\\.)?" + limit.id() + "`\\)? \\| \\d");
    }
    assertThat(security).doesNotContain("per 5 min");
  }

  private static Map<String, RateLimitConfig> documented() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    Map<String, RateLimitConfig> limits = new LinkedHashMap<>();
    Matcher row = ROW.matcher(readme);
    while (row.find()) {
      limits.put(row.group(1), new RateLimitConfig(Integer.parseInt(row.group(2)), duration(row.group(3), row.group(4))));
    }
    return limits;
  }

  private static Duration duration(String amount, String unit) {
    BigDecimal nanos = new BigDecimal(amount).multiply(BigDecimal.valueOf(switch (unit) {
      case "ms" -> 1_000_000L;
      case "s" -> 1_000_000_000L;
      case "m" -> 60_000_000_000L;
      default -> 3_600_000_000_000L;
    }));
    return Duration.ofNanos(nanos.longValueExact());
  }
}
