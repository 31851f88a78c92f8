package org.sealpost.store.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

class CassandraSchemaTest {
  @Test
  void theRepositorySchemaSplitsIntoIdempotentStatements() throws IOException {
    String text = Files.readString(CassandraStoreOptions.DEFAULT_SCHEMA_FILE);

    List<String> statements = CassandraSchema.statements(text, "ks", "{'class': 'SimpleStrategy', 'replication_factor': 1}");

    assertThat(statements).hasSize(7);
    assertThat(statements.get(0)).startsWith("CREATE KEYSPACE IF NOT EXISTS ks")
        .endsWith("WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    assertThat(statements.subList(1, 7)).allSatisfy(s -> assertThat(s).startsWith("CREATE TABLE IF NOT EXISTS ks."));
    assertThat(statements).noneMatch(s -> s.contains("${") || s.contains("--") || s.endsWith(";"));
  }

  @Test
  void aStatementWithoutItsSemicolonIsRefused() {
    assertThatThrownBy(() -> CassandraSchema.statements("CREATE TABLE x (a int PRIMARY KEY)", "ks", "{}"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
