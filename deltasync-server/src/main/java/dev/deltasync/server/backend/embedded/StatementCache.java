package dev.deltasync.server.backend.embedded;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A connection that keeps its prepared statements: {@code prepareStatement(sql)} returns the same
 * statement for the same SQL, and closing it only clears its parameters. SQLite compiles a
 * statement in about as long as it runs a small one, so the hot paths (an append runs six) pay that
 * once per connection. Safe because a pooled connection serves one thread at a time and no code
 * runs the same SQL twice at once on one connection.
 */
final class StatementCache {
  private StatementCache() {}

  static Connection wrap(Connection connection) {
    Map<String, PreparedStatement> cache = new HashMap<>();
    InvocationHandler handler =
        (proxy, method, args) -> {
          if (method.getName().equals("prepareStatement")
              && args != null
              && args.length == 1
              && args[0] instanceof String sql) {
            PreparedStatement cached = cache.get(sql);
            if (cached == null) {
              cached = keepOpen(connection.prepareStatement(sql));
              cache.put(sql, cached);
            }
            return cached;
          }
          if (method.getName().equals("close")) {
            for (PreparedStatement statement : cache.values()) {
              ((Closer) Proxy.getInvocationHandler(statement)).closeForReal();
            }
            cache.clear();
          }
          return invoke(method, connection, args);
        };
    return (Connection)
        Proxy.newProxyInstance(
            StatementCache.class.getClassLoader(), new Class<?>[] {Connection.class}, handler);
  }

  private static PreparedStatement keepOpen(PreparedStatement statement) {
    return (PreparedStatement)
        Proxy.newProxyInstance(
            StatementCache.class.getClassLoader(),
            new Class<?>[] {PreparedStatement.class},
            new Closer(statement));
  }

  /** Turns {@code close()} into {@code clearParameters()}. */
  private static final class Closer implements InvocationHandler {
    private final PreparedStatement statement;

    Closer(PreparedStatement statement) {
      this.statement = statement;
    }

    @Override
    public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args)
        throws Throwable {
      if (method.getName().equals("close") && (args == null || args.length == 0)) {
        statement.clearParameters();
        return null;
      }
      return StatementCache.invoke(method, statement, args);
    }

    void closeForReal() throws java.sql.SQLException {
      statement.close();
    }
  }

  private static @Nullable Object invoke(Method method, Object target, @Nullable Object[] args)
      throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause() == null ? e : e.getCause();
    }
  }
}
