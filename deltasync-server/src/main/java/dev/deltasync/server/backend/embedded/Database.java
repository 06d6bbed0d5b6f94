package dev.deltasync.server.backend.embedded;

import dev.deltasync.server.backend.BackendException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.sqlite.SQLiteConfig;

/**
 * The SQLite database of the embedded backend: WAL mode, {@code synchronous=FULL} (a commit is
 * durable when it returns), a busy timeout so that several processes share it, versioned schema
 * scripts, and a small pool of connections (readers run in parallel under WAL; SQLite serializes
 * writers).
 */
final class Database implements AutoCloseable {
  /** Schema scripts in order: index 0 is V1. */
  private static final List<String> SCRIPTS = List.of("V1.sql");

  static final int CURRENT_VERSION = SCRIPTS.size();

  /** Work done with a connection. */
  interface Work<T> {
    T run(Connection connection) throws SQLException, IOException;
  }

  private final BlockingQueue<Connection> pool;
  private final List<Connection> all = new ArrayList<>();
  private final Path file;

  private Database(Path file, int size) {
    this.file = file;
    this.pool = new ArrayBlockingQueue<>(size);
  }

  static Database open(Path file, int poolSize) throws BackendException {
    Database database = new Database(file, poolSize);
    try {
      for (int i = 0; i < poolSize; i++) {
        // No generated keys: the driver would otherwise run "SELECT last_insert_rowid()" after
        // every INSERT; nothing here reads them.
        SQLiteConfig config = new SQLiteConfig();
        config.setGetGeneratedKeys(false);
        Connection connection =
            StatementCache.wrap(
                DriverManager.getConnection(
                    "jdbc:sqlite:" + file.toAbsolutePath(), config.toProperties()));
        database.all.add(connection);
        try (Statement statement = connection.createStatement()) {
          statement.execute("PRAGMA busy_timeout = 30000");
          statement.execute("PRAGMA journal_mode = WAL");
          statement.execute("PRAGMA synchronous = FULL");
        }
        if (i == 0) {
          migrate(connection, file);
        }
        database.pool.add(connection);
      }
      return database;
    } catch (SQLException | IOException e) {
      database.close();
      throw new BackendException(
          "cannot open the server database " + file + ": " + e.getMessage(), e);
    }
  }

  /** Runs {@code work} with a connection from the pool (auto-commit on). */
  <T> T read(Work<T> work) throws BackendException {
    Connection connection = take();
    try {
      return work.run(connection);
    } catch (SQLException | IOException e) {
      throw failure(e);
    } finally {
      pool.add(connection);
    }
  }

  /**
   * Runs {@code work} in one write transaction ({@code BEGIN IMMEDIATE}: the write lock is taken at
   * once, so a read-then-write inside it is atomic across processes), committed durably.
   */
  <T> T write(Work<T> work) throws BackendException {
    Connection connection = take();
    try {
      try (Statement statement = connection.createStatement()) {
        statement.execute("BEGIN IMMEDIATE");
      }
      try {
        T result = work.run(connection);
        try (Statement statement = connection.createStatement()) {
          statement.execute("COMMIT");
        }
        return result;
      } catch (SQLException | IOException | RuntimeException e) {
        try (Statement statement = connection.createStatement()) {
          statement.execute("ROLLBACK");
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
    } catch (SQLException | IOException e) {
      if (e instanceof BackendException backend) {
        throw backend;
      }
      throw failure(e);
    } finally {
      pool.add(connection);
    }
  }

  private Connection take() throws BackendException {
    try {
      return pool.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackendException("interrupted while waiting for a database connection", e);
    }
  }

  private BackendException failure(Exception e) {
    return new BackendException("server database " + file + ": " + e.getMessage(), e);
  }

  @Override
  public void close() {
    for (Connection connection : all) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // closing: nothing more to do
      }
    }
  }

  private static void migrate(Connection connection, Path file) throws SQLException, IOException {
    int version;
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("PRAGMA user_version")) {
      version = result.next() ? result.getInt(1) : 0;
    }
    if (version > CURRENT_VERSION) {
      throw new IOException(
          file
              + " has schema version "
              + version
              + ", newer than this deltasync server understands ("
              + CURRENT_VERSION
              + "): upgrade deltasync");
    }
    for (int next = version + 1; next <= CURRENT_VERSION; next++) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("BEGIN IMMEDIATE");
        try {
          int now = currentVersion(connection);
          if (now < next) { // another process may have migrated meanwhile
            for (String sql : statements(load(SCRIPTS.get(next - 1)))) {
              statement.execute(sql);
            }
            statement.execute("PRAGMA user_version = " + next);
          }
          statement.execute("COMMIT");
        } catch (SQLException | IOException e) {
          statement.execute("ROLLBACK");
          throw e;
        }
      }
    }
  }

  private static int currentVersion(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("PRAGMA user_version")) {
      return result.next() ? result.getInt(1) : 0;
    }
  }

  private static String load(String name) throws IOException {
    try (InputStream in = Database.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("missing schema script " + name + " in the deltasync jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Splits a script at semicolons that end a line; comments are dropped. */
  private static List<String> statements(String script) {
    StringBuilder clean = new StringBuilder();
    for (String line : script.split("\n", -1)) {
      int comment = line.indexOf("--");
      clean.append(comment >= 0 ? line.substring(0, comment) : line).append('\n');
    }
    return Arrays.stream(clean.toString().split(";\\s*\n"))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .toList();
  }
}
