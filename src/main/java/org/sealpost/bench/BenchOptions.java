package org.sealpost.bench;

/** The load a scenario applies. */
record BenchOptions(int clients, int rate, int durationSeconds, int warmupSeconds, int size, int maxOutstanding) {
  BenchOptions {
    if (clients < 2) {
      throw new IllegalArgumentException("--clients must be >= 2");
    }
    if (rate < 1 || durationSeconds < 1 || durationSeconds > 600) {
      throw new IllegalArgumentException("--rate must be >= 1 and --duration 1..600 seconds");
    }
    if (warmupSeconds < 0 || warmupSeconds > 600) {
      throw new IllegalArgumentException("--warmup must be 0..600 seconds");
    }
    if (size < 16 || size > 96 * 1024) {
      throw new IllegalArgumentException("--size must be 16..98304 bytes");
    }
  }
}
