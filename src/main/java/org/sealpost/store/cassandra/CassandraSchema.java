package org.sealpost.store.cassandra;

import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the schema file ({@code conf/cassandra/schema.cql}) at start-up. Every statement in it is
 * idempotent ({@code CREATE ... IF NOT EXISTS}), so every node applies it on every start, and a
 * fresh cluster needs no separate migration step. The statements run one after another: the driver
 * waits for the cluster to agree on each schema change before the next. (Start one node first when
 * the schema gains a table: two coordinators creating one table at the same moment can disagree on
 * its id; see conf/cassandra/README.md.)
 */
final class CassandraSchema {
  private static final Logger log = LoggerFactory.getLogger(CassandraSchema.class);

  private CassandraSchema() {}

  static Future<Void> apply(Cql cql) {
    CassandraStoreOptions options = cql.options();
    String file = options.schemaFile().toString();
    return cql.vertx().fileSystem().readFile(file)
        .recover(err -> Future.failedFuture(new IllegalStateException(
            "cannot read the Cassandra schema " + file + " (schemaFile): " + err.getMessage(), err)))
        .map(text -> statements(text.toString(), options.keyspace(), options.replication()))
        .compose(statements -> applyAll(cql, statements, 0)
            .onSuccess(v -> log.info("cassandra - schema {} applied to keyspace {} ({} statements)",
                file, options.keyspace(), statements.size())));
  }

  /**
   * The statements of a schema text with the placeholders filled in: comment lines dropped, split
   * after each line that ends with a semicolon.
   */
  static List<String> statements(String text, String keyspace, String replication) {
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : text.split("\n")) {
      String code = stripComment(line).strip();
      if (code.isEmpty()) {
        continue;
      }
      current.append(code).append('\n');
      if (code.endsWith(";")) {
        statements.add(fill(current.toString().strip(), keyspace, replication));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      throw new IllegalArgumentException("the schema's last statement does not end with ';'");
    }
    return statements;
  }

  private static String stripComment(String line) {
    int comment = line.indexOf("--");
    return comment < 0 ? line : line.substring(0, comment);
  }

  private static String fill(String statement, String keyspace, String replication) {
    String body = statement.substring(0, statement.length() - 1);
    return body.replace("${keyspace}", keyspace).replace("${replication}", replication);
  }

  private static Future<Void> applyAll(Cql cql, List<String> statements, int index) {
    if (index == statements.size()) {
      return Future.succeededFuture();
    }
    SimpleStatement statement = SimpleStatement.newInstance(statements.get(index)).setTimeout(Cql.SCHEMA_TIMEOUT);
    return cql.execute(statement).compose(rs -> applyAll(cql, statements, index + 1));
  }
}
