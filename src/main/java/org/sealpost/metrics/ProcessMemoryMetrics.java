package org.sealpost.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a connection costs beyond the heap: the process's resident set (Linux /proc) and Netty's
 * direct memory, next to the JVM's own memory meters. `bench connections` reads them from
 * /metrics before and after opening its connections.
 */
public final class ProcessMemoryMetrics implements MeterBinder {
  private static final Path STATM = Path.of("/proc/self/statm");
  private static final long PAGE_BYTES = 4096;

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("process.resident.memory", ProcessMemoryMetrics::residentBytes)
        .baseUnit("bytes").description("Resident set size of the process (0 where /proc is missing)")
        .register(registry);
    Gauge.builder("netty.pooled.direct.memory.used", () -> PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory())
        .baseUnit("bytes").description("Direct memory held by Netty's pooled buffer allocator")
        .register(registry);
  }

  /** The second field of /proc/self/statm: resident pages. */
  static double residentBytes() {
    try {
      String[] fields = Files.readString(STATM).trim().split("\\s+");
      return Long.parseLong(fields[1]) * PAGE_BYTES;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
