package org.sealpost.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/** A latency histogram fed from any thread (HdrHistogram's Recorder), read once at the end. */
final class LatencyStats {
  private final Recorder recorder = new Recorder(3);
  private Histogram snapshot;

  void recordNanos(long nanos) {
    recorder.recordValue(Math.max(0, nanos / 1000));
  }

  /** Takes everything recorded so far. */
  LatencyStats freeze() {
    snapshot = recorder.getIntervalHistogram();
    return this;
  }

  long count() {
    return snapshot.getTotalCount();
  }

  double percentileMillis(double percentile) {
    return snapshot.getValueAtPercentile(percentile) / 1000.0;
  }

  double maxMillis() {
    return snapshot.getMaxValue() / 1000.0;
  }

  String human() {
    return String.format("p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms",
        percentileMillis(50), percentileMillis(90), percentileMillis(99), maxMillis());
  }

  String json() {
    return String.format("{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"max\":%.3f}",
        percentileMillis(50), percentileMillis(90), percentileMillis(99), maxMillis());
  }
}
