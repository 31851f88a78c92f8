package org.sealpost.store.cassandra;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.servererrors.QueryValidationException;
import com.google.protobuf.Parser;
import io.vertx.cassandra.CassandraClient;
import io.vertx.cassandra.CassandraClientOptions;
import io.vertx.cassandra.ResultSet;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.sealpost.errors.ErrorCode;
import org.sealpost.errors.SealpostException;

/**
 * The Cassandra session of the stores: one Vert.x Cassandra client (one driver session), the
 * levels and TTLs from {@link CassandraStoreOptions}, and the failure mapping. Every call returns a
 * Vert.x future completed on the caller's context; a driver failure that means "Cassandra cannot
 * answer now" (unreachable, timed out, overloaded, too few replicas) becomes a {@link
 * SealpostException} with {@link ErrorCode#UNAVAILABLE}, while a rejected query (a bug) keeps its
 * own type.
 */
final class Cql {
  /** Schema changes wait for every node to agree on the schema, which takes longer than a query. */
  static final Duration SCHEMA_TIMEOUT = Duration.ofSeconds(60);

  private static final int MAX_PAUSE_MILLIS = 64;
  /** A conditional write: {@code IF NOT EXISTS}, {@code IF EXISTS} or {@code IF <condition>}. */
  private static final Pattern CONDITIONAL = Pattern.compile("\\sIF\\s");
  /** Whether each prepared query text is conditional, so a statement is matched once, not per run. */
  private static final Map<String, Boolean> CONDITIONAL_QUERIES = new ConcurrentHashMap<>();

  private final Vertx vertx;
  private final CassandraClient client;
  private final CassandraStoreOptions options;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong paxosRounds = new AtomicLong();

  private Cql(Vertx vertx, CassandraClient client, CassandraStoreOptions options) {
    this.vertx = vertx;
    this.client = client;
    this.options = options;
  }

  /** A client for {@code options}; it connects on first use, so this never fails. */
  static Cql create(Vertx vertx, CassandraStoreOptions options) {
    DriverConfigLoader config = DriverConfigLoader.programmaticBuilder()
        .withString(DefaultDriverOption.REQUEST_CONSISTENCY, options.consistency())
        .withString(DefaultDriverOption.REQUEST_SERIAL_CONSISTENCY, options.serialConsistency())
        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, options.requestTimeout())
        .withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, options.requestTimeout())
        .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, options.requestTimeout())
        .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, options.requestTimeout())
        .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, options.requestTimeout())
        .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, SCHEMA_TIMEOUT)
        // Closing waits for in-flight requests anyway; the default 2 s of quiet only delays shutdown.
        .withInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0)
        .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 0)
        .build();
    CassandraClientOptions clientOptions = new CassandraClientOptions();
    for (String point : options.contactPoints()) {
      clientOptions.addContactPoint(CassandraStoreOptions.host(point), CassandraStoreOptions.port(point));
    }
    clientOptions.dataStaxClusterBuilder()
        .withConfigLoader(config)
        .withLocalDatacenter(options.localDatacenter());
    return new Cql(vertx, CassandraClient.create(vertx, clientOptions), options);
  }

  Vertx vertx() {
    return vertx;
  }

  CassandraStoreOptions options() {
    return options;
  }

  /** The level of linearizable reads: they see every committed lightweight transaction. */
  ConsistencyLevel serial() {
    return options.serialConsistencyLevel();
  }

  /**
   * The text of a statement, on each constant of a store's enum of statements: the one way the
   * stores keep their statements, so {@link #prepareAll} prepares them together at start and the
   * store names each by its constant.
   */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.FIELD)
  @interface Text {
    String value();
  }

  /** Prepares every statement of an enum of statements ({@link Text}). */
  <E extends Enum<E>> Future<Statements<E>> prepareAll(Class<E> statements) {
    return prepareAll(statements, UnaryOperator.identity());
  }

  /**
   * Prepares every statement of an enum of statements after {@code fill} has put in the
   * placeholders of the caller's own, as for a table whose name is a parameter.
   */
  <E extends Enum<E>> Future<Statements<E>> prepareAll(Class<E> statements, UnaryOperator<String> fill) {
    EnumMap<E, Future<PreparedStatement>> pending = new EnumMap<>(statements);
    for (E statement : statements.getEnumConstants()) {
      pending.put(statement, prepare(fill.apply(text(statement))));
    }
    return Future.all(new ArrayList<>(pending.values())).map(all -> {
      EnumMap<E, PreparedStatement> prepared = new EnumMap<>(statements);
      pending.forEach((statement, future) -> prepared.put(statement, future.result()));
      return new Statements<>(prepared);
    });
  }

  /** The {@link Text} of an enum constant (each constant is a field of its enum); read once, at start. */
  private static String text(Enum<?> statement) {
    Text text;
    try {
      text = statement.getDeclaringClass().getField(statement.name()).getAnnotation(Text.class);
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(e);
    }
    if (text == null) {
      throw new IllegalStateException(statement.getDeclaringClass().getName() + "." + statement + " has no text");
    }
    return text.value();
  }

  /** Prepares {@code cql} after putting the keyspace in for {@code ${keyspace}}. */
  private Future<PreparedStatement> prepare(String cql) {
    return guard(() -> client.prepare(cql.replace("${keyspace}", options.keyspace())));
  }

  Future<ResultSet> execute(Statement<?> statement) {
    if (usesPaxos(statement)) {
      paxosRounds.incrementAndGet();
    }
    return guard(() -> client.execute(statement));
  }

  /**
   * Statements run so far that cost a Paxos round: conditional writes and reads at the serial
   * level. What the message path is designed to keep near zero, so tests count it.
   */
  long paxosRounds() {
    return paxosRounds.get();
  }

  private static boolean usesPaxos(Statement<?> statement) {
    if (statement.getConsistencyLevel() != null && statement.getConsistencyLevel().isSerial()) {
      return true;
    }
    if (statement instanceof BatchStatement batch) {
      for (BatchableStatement<?> inner : batch) {
        if (usesPaxos(inner)) {
          return true;
        }
      }
      return false;
    }
    return statement instanceof BoundStatement bound && CONDITIONAL_QUERIES.computeIfAbsent(
        bound.getPreparedStatement().getQuery(), query -> CONDITIONAL.matcher(query).find());
  }

  /** Every row the statement selects (all pages): for reads whose size a LIMIT bounds. */
  Future<List<Row>> rows(Statement<?> statement) {
    if (usesPaxos(statement)) {
      paxosRounds.incrementAndGet();
    }
    return guard(() -> client.executeWithFullFetch(statement));
  }

  /** The single row the statement selects, if any. */
  Future<Optional<Row>> row(Statement<?> statement) {
    return execute(statement).map(rs -> Optional.ofNullable(rs.one()));
  }

  /**
   * The single row the statement selects, if any; at the serial level when {@code serial}, as a
   * compare-and-set's retry reads, so that it sees the write it lost to.
   */
  Future<Optional<Row>> row(BoundStatement statement, boolean serial) {
    return row(serial ? statement.setConsistencyLevel(serial()) : statement);
  }

  /** The protobuf record in {@code column} of the single row the statement selects, if any. */
  <T> Future<Optional<T>> record(Statement<?> statement, String column, Parser<T> parser) {
    return row(statement).map(row -> row.map(r -> Protos.parse(parser, r.getByteBuffer(column))));
  }

  /** Runs a lightweight transaction; true when it applied. */
  Future<Boolean> applied(Statement<?> statement) {
    return execute(statement).map(ResultSet::wasApplied);
  }

  /** A single-partition batch of the statements (conditional when one of them is). */
  static BatchStatement batch(List<? extends BatchableStatement<?>> statements) {
    return BatchStatement.newInstance(BatchType.UNLOGGED, new ArrayList<BatchableStatement<?>>(statements));
  }

  /**
   * Runs {@code statement} and hands each page of rows to {@code perPage}, one page after the other,
   * so a scan holds one page in memory.
   */
  Future<Void> scan(Statement<?> statement, Function<List<Row>, Future<?>> perPage) {
    return execute(statement).compose(rs -> scanPages(rs, perPage));
  }

  private Future<Void> scanPages(ResultSet rs, Function<List<Row>, Future<?>> perPage) {
    List<Row> page = new ArrayList<>(rs.remaining());
    rs.currentPage().forEach(page::add);
    return perPage.apply(page).compose(done -> rs.hasMorePages()
        ? guard(rs::fetchNextPage).compose(next -> scanPages(next, perPage))
        : Future.succeededFuture());
  }

  /**
   * A short random pause before a compare-and-set is tried again: random so that contenders spread
   * out and one of them wins each round, growing with the attempt so a crowd thins out.
   */
  Future<Void> pause(int attempt) {
    int bound = Math.min(MAX_PAUSE_MILLIS, 1 << Math.min(attempt, 6));
    return vertx.timer(1 + ThreadLocalRandom.current().nextInt(bound)).mapEmpty();
  }

  /** Closes the client; calls made afterwards fail as unavailable. */
  Future<Void> close() {
    if (!closed.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    return client.close();
  }

  /** The failure a caller sees for {@code failure} (see the class comment). */
  static Throwable translate(Throwable failure) {
    if (failure instanceof DriverException && !(failure instanceof QueryValidationException)) {
      return unavailable(failure.getClass().getSimpleName() + ": " + failure.getMessage());
    }
    return failure;
  }

  static SealpostException unavailable(String detail) {
    return new SealpostException(ErrorCode.UNAVAILABLE, "Cassandra unavailable: " + detail);
  }

  private <T> Future<T> guard(java.util.function.Supplier<Future<T>> call) {
    if (closed.get()) {
      return Future.failedFuture(unavailable("the store is closed"));
    }
    Future<T> result;
    try {
      result = call.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(translate(e));
    }
    return result.recover(failure -> Future.failedFuture(translate(failure)));
  }
}
