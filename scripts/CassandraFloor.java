// Cassandra's floor on this machine: how many plain writes per second a single node takes, and
// what each costs in Cassandra's CPU, with the load generator on the same box (#21). Like `bench
// frame-floor` for frames: whatever the server does on top, it cannot store a message for less.
// Run by scripts/bench-cassandra-floor.sh:
//   java -cp target/sealpost.jar scripts/CassandraFloor.java --pid CASSANDRA_PID [--clk-tck 100]
//     [--duration 20] [--warmup 5] [--inflight 256] [--devices 1000] [--host 127.0.0.1] [--port 9042]
//     [--datacenter datacenter1] [--phases insert,insert-quorum,batch2,store-ack,message]
// Works in its own keyspace, sealpost_floor, dropped at the start and at the end.
import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongFunction;
import org.HdrHistogram.ConcurrentHistogram;

public class CassandraFloor {
  static final String KS = "sealpost_floor";
  // The project's queue table (conf/cassandra/schema.cql), same keys, columns and compaction.
  static final String TABLE = "CREATE TABLE " + KS + ".queue (number text, device int, seq bigint,"
      + " last_seq bigint, floor bigint, server_timestamp bigint, envelope blob,"
      + " PRIMARY KEY ((number, device), seq)) WITH CLUSTERING ORDER BY (seq ASC)"
      + " AND compaction = {'class': 'LeveledCompactionStrategy'}";
  static final ByteBuffer ENVELOPE = ByteBuffer.wrap(new byte[200]); // about one small envelope
  static final int TTL = 30 * 24 * 3600; // envelopes carry a TTL in the project, so they do here

  /** One kind of unit of work: statements run one after the other, each after the last succeeds. */
  record Phase(String name, String unit, int mutations, ConsistencyLevel level, LongFunction<List<Statement<?>>> steps) {}

  static CqlSession session;
  static PreparedStatement put, setLast, delete;
  static final AtomicLong next = new AtomicLong(); // unit counter: every unit writes new positions
  static int devices, inflight, pid, clkTck;

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    pid = Integer.parseInt(opt.getOrDefault("pid", "0"));
    clkTck = Integer.parseInt(opt.getOrDefault("clk-tck", "100"));
    int duration = Integer.parseInt(opt.getOrDefault("duration", "20"));
    int warmup = Integer.parseInt(opt.getOrDefault("warmup", "5"));
    inflight = Integer.parseInt(opt.getOrDefault("inflight", "256"));
    devices = Integer.parseInt(opt.getOrDefault("devices", "1000"));
    List<String> wanted = List.of(opt.getOrDefault("phases", "insert,insert-quorum,batch2,store-ack,message").split(","));
    if (pid <= 0) throw new IllegalArgumentException("--pid CASSANDRA_PID is required (its CPU is the point)");

    // The project's driver settings (Cql.java): defaults but for a 10 s request timeout.
    session = CqlSession.builder()
        .addContactPoint(new InetSocketAddress(opt.getOrDefault("host", "127.0.0.1"), Integer.parseInt(opt.getOrDefault("port", "9042"))))
        .withLocalDatacenter(opt.getOrDefault("datacenter", "datacenter1"))
        .withConfigLoader(DriverConfigLoader.programmaticBuilder()
            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(10))
            .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofSeconds(30)).build())
        .build();
    List<String> json = new ArrayList<>();
    try {
      session.execute("DROP KEYSPACE IF EXISTS " + KS);
      session.execute("CREATE KEYSPACE " + KS + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
      session.execute(TABLE);
      // The project's statements (QueueTable.java): PUT, SET_LAST, DELETE_ROW.
      put = session.prepare("INSERT INTO " + KS + ".queue (number, device, seq, server_timestamp, envelope) VALUES (?, ?, ?, ?, ?) USING TTL ?");
      setLast = session.prepare("UPDATE " + KS + ".queue SET last_seq = ? WHERE number = ? AND device = ? AND seq = 0");
      delete = session.prepare("DELETE FROM " + KS + ".queue WHERE number = ? AND device = ? AND seq = ?");
      ConsistencyLevel one = DefaultConsistencyLevel.LOCAL_ONE, quorum = DefaultConsistencyLevel.LOCAL_QUORUM;
      List<Phase> phases = List.of(
          // (a) one row per statement, spread over `devices` partitions
          new Phase("insert", "rows", 1, one, n -> List.of(put("+1555100", n))),
          new Phase("insert-quorum", "rows", 1, quorum, n -> List.of(put("+1555100", n))),
          // (b) the project's append: envelope row + head's last_seq, one partition, unlogged batch
          new Phase("batch2", "appends", 2, one, n -> List.of(BatchStatement.newInstance(DefaultBatchType.UNLOGGED,
              put("+1555100", n), setLast.bind(seq(n), number("+1555100", n), 1)))),
          // (c) a message stored, then acked
          new Phase("store-ack", "stored-and-acked messages", 2, one, n -> List.of(put("+1555100", n), del("+1555100", n))),
          // (d) the least a delivered message costs: envelope in the recipient's queue, its delete on
          // ack, a receipt in the sender's queue (other partitions), its delete on the receipt's ack
          new Phase("message", "messages", 4, one, n -> List.of(put("+1555100", n), del("+1555100", n),
              put("+1555200", n), del("+1555200", n))));
      System.out.printf("Cassandra pid %d; %d cores; %d in flight; %d devices; %d s warm-up + %d s per phase; %s%n",
          pid, Runtime.getRuntime().availableProcessors(), inflight, devices, warmup, duration, System.getProperty("java.version"));
      boolean first = true;
      for (Phase p : phases) {
        if (!wanted.contains(p.name())) continue;
        run(p, first ? 2 * warmup : warmup, null); // the first also compiles the driver's hot paths and ours
        first = false;
        json.add(run(p, duration, p.level()));
      }
    } finally {
      session.execute("DROP KEYSPACE IF EXISTS " + KS);
      session.close();
    }
    json.forEach(System.out::println);
  }

  // Partition: the number's device, spread round-robin; position: one per unit, never reused.
  static String number(String prefix, long n) { return prefix + String.format("%04d", n % devices); }
  static long seq(long n) { return n / devices + 1; }

  static BoundStatement put(String prefix, long n) {
    return put.bind(number(prefix, n), 1, seq(n), System.currentTimeMillis(), ENVELOPE.duplicate(), TTL);
  }

  static BoundStatement del(String prefix, long n) { return delete.bind(number(prefix, n), 1, seq(n)); }

  /** Runs units of p for `seconds` with at most `inflight` statements in flight; reports when level != null. */
  static String run(Phase p, int seconds, ConsistencyLevel level) throws Exception {
    Semaphore permits = new Semaphore(inflight);
    ConcurrentHistogram latency = new ConcurrentHistogram(3);
    LongAdder units = new LongAdder(), statements = new LongAdder(), errors = new LongAdder();
    long[] box0 = boxTicks(), before = {cassandraTicks(), ownCpuNanos(), box0[0], box0[1]};
    long start = System.nanoTime(), end = start + seconds * 1_000_000_000L;
    while (System.nanoTime() < end) {
      if (!permits.tryAcquire(50, TimeUnit.MILLISECONDS)) continue; // at most `inflight` units, each one statement at a time
      List<Statement<?>> steps = p.steps().apply(next.getAndIncrement());
      step(steps, 0, p.level(), permits, latency, units, statements, errors);
    }
    // Let what is in flight finish, so every started unit is counted (bounded: the request timeout).
    if (!permits.tryAcquire(inflight, 60, TimeUnit.SECONDS)) System.out.println("warning: requests still in flight after 60 s");
    double secs = (System.nanoTime() - start) / 1e9;
    if (level == null) return null;
    long[] box = boxTicks();
    double cassandraUs = (cassandraTicks() - before[0]) * 1e6 / clkTck, ownUs = (ownCpuNanos() - before[1]) / 1e3;
    double busy = 100.0 * (box[0] - before[2]) / Math.max(1, box[1] - before[3]);
    // What neither process spent (other programs, interrupts), in cores: non-zero means a shared box.
    double rest = ((box[0] - before[2]) * 1e6 / clkTck - cassandraUs - ownUs) / 1e6 / secs;
    long u = units.sum(), s = statements.sum(), m = u * p.mutations();
    double p50 = latency.getValueAtPercentile(50) / 1e3, p99 = latency.getValueAtPercentile(99) / 1e3;
    System.out.printf("%-14s %-12s %,9.0f statements/s %,9.0f mutations/s  p50 %6.2f ms  p99 %7.2f ms  Cassandra %.2f cores, %,6.1f µs/statement %,6.1f µs/mutation"
        + "  load generator %,5.1f µs/statement  box busy %3.0f%% (rest %.2f cores)  errors %d  => %,.0f %s/s%n",
        p.name(), level, s / secs, m / secs, p50, p99, cassandraUs / 1e6 / secs, cassandraUs / s, cassandraUs / m, ownUs / s, busy, rest, errors.sum(), u / secs, p.unit());
    return String.format(Locale.ROOT, "{\"phase\":\"%s\",\"consistency\":\"%s\",\"units\":\"%s\",\"units_per_s\":%.1f,\"statements_per_s\":%.1f,"
        + "\"mutations_per_s\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"cassandra_cpu_s\":%.2f,\"cassandra_us_per_statement\":%.1f,"
        + "\"cassandra_us_per_mutation\":%.1f,\"loadgen_us_per_statement\":%.1f,\"box_busy_pct\":%.1f,\"rest_cores\":%.2f,\"errors\":%d,\"inflight\":%d,\"seconds\":%.1f}",
        p.name(), level, p.unit(), u / secs, s / secs, m / secs, p50, p99, cassandraUs / 1e6, cassandraUs / s, cassandraUs / m,
        ownUs / s, busy, rest, errors.sum(), inflight, secs);
  }

  /** Runs steps[i], then the next once it succeeded; a failure ends the unit (counted in errors). */
  static void step(List<Statement<?>> steps, int i, ConsistencyLevel level, Semaphore permits, ConcurrentHistogram latency,
      LongAdder units, LongAdder statements, LongAdder errors) {
    if (i == steps.size()) {
      units.increment();
      permits.release();
      return;
    }
    long t = System.nanoTime();
    session.executeAsync(steps.get(i).setConsistencyLevel(level)).whenComplete((rs, err) -> {
      latency.recordValue((System.nanoTime() - t) / 1000);
      if (err != null) {
        errors.increment();
        permits.release();
      } else {
        statements.increment();
        step(steps, i + 1, level, permits, latency, units, statements, errors);
      }
    });
  }

  /** Cassandra's utime + stime in clock ticks: fields 14 and 15 of /proc/PID/stat (after the ")" of comm). */
  static long cassandraTicks() throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // f[0] is field 3
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** This JVM's CPU time: the load generator, driver threads included. */
  static long ownCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** The whole box from /proc/stat: {busy ticks, all ticks}, to show whether the two cores were full. */
  static long[] boxTicks() throws Exception {
    String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
    long all = 0;
    for (int i = 1; i <= 8 && i < f.length; i++) all += Long.parseLong(f[i]); // user..steal (guest is in user)
    long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
    return new long[] {all - idle, all};
  }
}
