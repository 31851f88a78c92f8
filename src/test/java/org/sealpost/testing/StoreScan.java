package org.sealpost.testing;

import static org.sealpost.testing.Await.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.ColumnDefinition;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.sealpost.config.StoreConfig;
import org.sealpost.store.embedded.ColumnFamily;
import org.sealpost.store.embedded.EmbeddedDatabase;
import org.sealpost.store.embedded.EmbeddedStores;

/**
 * Looks through a store's every record for a number, in keys and values: what a deleted account
 * must leave none of. Each finding says where it is and whose record it is.
 */
public final class StoreScan {
  private StoreScan() {}

  /**
   * A record that names the number.
   *
   * @param where the column family or table, and the key
   * @param owner the account whose record it is: the key's (partition key's) leading number
   * @param expiresIn ms until the record expires by itself; -1 when it does not (or it is not known)
   */
  public record Finding(String where, String owner, long expiresIn) {
    public boolean expires() {
      return expiresIn > 0;
    }
  }

  /** Every column family of the embedded database in {@code dataDir} (its server stopped). */
  public static List<Finding> embedded(Vertx vertx, Path dataDir, String number) {
    byte[] needle = number.getBytes(StandardCharsets.UTF_8);
    List<Finding> found = new ArrayList<>();
    EmbeddedDatabase db = EmbeddedDatabase.open(vertx, dataDir.resolve(EmbeddedStores.DATABASE_DIRECTORY));
    try {
      for (ColumnFamily cf : ColumnFamily.values()) {
        await(db.read(reader -> {
          reader.scan(cf, new byte[0], new byte[0], (key, value) -> {
            if (contains(key, needle) || contains(value, needle)) {
              String text = new String(key, StandardCharsets.UTF_8);
              int end = text.indexOf('\0');
              found.add(new Finding(cf.rocksName() + ": " + text.replace('\0', '|'), end < 0 ? text : text.substring(0, end), -1));
            }
            return true;
          });
          return null;
        }));
      }
    } finally {
      db.close();
    }
    return found;
  }

  /**
   * Every row of every table of the end-to-end keyspace, in text and blob columns. A queue's head
   * row (seq 0) comes with the TTL of its last_seq: a purged queue's head expires.
   */
  public static List<Finding> cassandra(String number) {
    byte[] needle = number.getBytes(StandardCharsets.UTF_8);
    String[] hostPort = CassandraSupport.contactPoint().split(":");
    List<Finding> found = new ArrayList<>();
    try (CqlSession session = CqlSession.builder()
        .addContactPoint(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])))
        .withLocalDatacenter(StoreConfig.CassandraConfig.defaults().localDatacenter()).build()) {
      List<String> tables = new ArrayList<>();
      session.execute(SimpleStatement.newInstance(
              "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?", TestServer.KEYSPACE))
          .forEach(row -> tables.add(row.getString("table_name")));
      for (String table : tables) {
        for (Row row : session.execute(SimpleStatement.newInstance("SELECT * FROM " + TestServer.KEYSPACE + "." + table)
            .setPageSize(1000))) {
          for (int i = 0; i < row.getColumnDefinitions().size(); i++) {
            ColumnDefinition column = row.getColumnDefinitions().get(i);
            Object value = row.getObject(i);
            boolean names = value instanceof String text ? text.contains(number)
                : value instanceof ByteBuffer bytes && contains(bytes, needle);
            if (names) {
              // SELECT * lists the partition key's columns first.
              Object first = row.getObject(0);
              found.add(new Finding(table + "." + column.getName().asInternal() + " in " + row.getFormattedContents(),
                  first instanceof String owner ? owner : String.valueOf(first), headTtl(session, table, row)));
            }
          }
        }
      }
    }
    return found;
  }

  private static long headTtl(CqlSession session, String table, Row row) {
    if (!table.equals("queue") || row.getLong("seq") != 0) {
      return -1;
    }
    Row ttl = session.execute(SimpleStatement.newInstance("SELECT TTL(last_seq) AS ttl FROM " + TestServer.KEYSPACE
        + ".queue WHERE number = ? AND device = ? AND seq = 0", row.getString("number"), row.getInt("device"))).one();
    return ttl == null || ttl.isNull("ttl") ? -1 : ttl.getInt("ttl") * 1000L;
  }

  /**
   * The keys under {@code prefix} whose names hold the number, with their time to live.
   */
  public static List<Finding> redis(Vertx vertx, String prefix, String number) {
    Redis redis = RedisSupport.client(vertx);
    List<Finding> found = new ArrayList<>();
    try {
      String cursor = "0";
      do {
        Response reply = await(redis.send(Request.cmd(Command.SCAN).arg(cursor)
            .arg("MATCH").arg(prefix + "*" + number + "*").arg("COUNT").arg(1000)));
        cursor = reply.get(0).toString();
        for (Response key : reply.get(1)) {
          Response ttl = await(redis.send(Request.cmd(Command.PTTL).arg(key.toString())));
          found.add(new Finding(key.toString(), number, ttl.toLong()));
        }
      } while (!cursor.equals("0"));
    } finally {
      redis.close();
    }
    return found;
  }

  private static boolean contains(ByteBuffer buffer, byte[] needle) {
    ByteBuffer copy = buffer.duplicate();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    return contains(bytes, needle);
  }

  static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
