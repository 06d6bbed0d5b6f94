package dev.deltasync.engine.snapshot;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/** The snapshot database's connection, with its statements prepared once and its error messages. */
final class Sql {
  final Connection connection;
  final Path file;
  private final Map<String, PreparedStatement> prepared = new HashMap<>();

  Sql(Connection connection, Path file) {
    this.connection = connection;
    this.file = file;
  }

  /**
   * The statement for {@code sql}, prepared on first use and kept: most run once per item. Its
   * result sets must be closed before it is used again.
   */
  PreparedStatement prepare(String sql) throws SQLException {
    PreparedStatement statement = prepared.get(sql);
    if (statement == null) {
      statement = connection.prepareStatement(sql);
      prepared.put(sql, statement);
    }
    return statement;
  }

  SnapshotException failure(String what, SQLException e) {
    return new SnapshotException(
        "snapshot " + file + ": cannot " + what + ": " + e.getMessage(), e);
  }

  /** Closes the prepared statements; they are prepared again when next used. */
  void closeStatements() throws SQLException {
    for (PreparedStatement statement : prepared.values()) {
      statement.close();
    }
    prepared.clear();
  }

  void close() throws SQLException {
    closeStatements();
    connection.close();
  }
}
