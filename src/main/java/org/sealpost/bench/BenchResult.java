package org.sealpost.bench;

import java.util.Locale;

/** What a run measured: a human summary and one JSON line with every figure. */
/**
 * @param acked measured sends acked, whenever (all should be)
 * @param ackedInTime of those, acked before the measured duration ended: the rate counts these
 */
record BenchResult(String scenario, String crypto, int clients, BenchOptions options, long sent, long acked, long delivered,
    long ackedInTime, long deliveredInTime, long lost, long errors, long receipts, double seconds, LatencyStats ack,
    LatencyStats delivery, CpuMeter.Figures cpu) {

  String human() {
    return String.format(Locale.ROOT, """
        scenario        %s (%d clients, target %d msg/s, %d s after %d s of warm-up, %d-byte payloads, crypto %s)
        sent            %d
        acked           %d (%.0f msg/s in time)   single tick: %s
        delivered       %d (%.0f msg/s in time)   delivery:    %s
        receipts        %d
        lost            %d (acked but never delivered)
        errors          %d
        cpu             %s""",
        scenario, clients, options.rate(), options.durationSeconds(), options.warmupSeconds(), options.size(), crypto, sent,
        acked, ackedInTime / seconds,
        ack.human(), delivered, deliveredInTime / seconds, delivery.human(), receipts, lost, errors, cpu.human());
  }

  String json() {
    return String.format(Locale.ROOT,
        "{\"scenario\":\"%s\",\"crypto\":\"%s\",\"clients\":%d,\"target_rate\":%d,\"duration_s\":%.2f,\"warmup_s\":%d,"
            + "\"size\":%d,\"sent\":%d,"
            + "\"acked\":%d,\"delivered\":%d,\"acked_per_s\":%.1f,\"delivered_per_s\":%.1f,\"lost\":%d,"
            + "\"errors\":%d,\"receipts\":%d,\"ack_ms\":%s,\"delivery_ms\":%s,%s}",
        scenario, crypto, clients, options.rate(), seconds, options.warmupSeconds(), options.size(), sent, acked, delivered,
        ackedInTime / seconds,
        deliveredInTime / seconds, lost, errors, receipts, ack.json(), delivery.json(), cpu.json());
  }
}
