package dev.deltasync.server;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * How to run a server.
 *
 * @param data the data directory (the embedded backend, the admin token, the signing key)
 * @param host the address to listen on
 * @param port the port; 0 picks a free one ({@link DeltasyncServer#port()} tells which)
 * @param roles what this process serves
 * @param tlsCert a PEM certificate chain, to serve HTTPS (with {@code tlsKey})
 * @param tlsKey the PEM (PKCS#8) private key of {@code tlsCert}
 * @param storageUrl the storage role's URL that management hands to devices; null: this server's
 * @param maxLogBytes the largest change log accepted
 * @param maxPackBytes the largest pack accepted
 * @param clock the server clock in milliseconds (leases, token expiry); tests pass a fake one
 */
public record ServerOptions(
    Path data,
    String host,
    int port,
    Set<Role> roles,
    @Nullable Path tlsCert,
    @Nullable Path tlsKey,
    @Nullable String storageUrl,
    long maxLogBytes,
    long maxPackBytes,
    LongSupplier clock) {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8440;
  public static final long DEFAULT_MAX_LOG_BYTES = 64L * 1024 * 1024;
  public static final long DEFAULT_MAX_PACK_BYTES = 1024L * 1024 * 1024;

  public ServerOptions {
    Objects.requireNonNull(data, "data");
    roles = Set.copyOf(roles);
    if (roles.isEmpty()) {
      throw new IllegalArgumentException("a server needs at least one role");
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException("give both --tls-cert and --tls-key, or neither");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("a port is 0..65535, not " + port);
    }
  }

  /** Both roles, on 127.0.0.1:8440, plain HTTP, default limits, the system clock. */
  public static ServerOptions defaults(Path data) {
    return new ServerOptions(
        data,
        DEFAULT_HOST,
        DEFAULT_PORT,
        EnumSet.allOf(Role.class),
        null,
        null,
        null,
        DEFAULT_MAX_LOG_BYTES,
        DEFAULT_MAX_PACK_BYTES,
        System::currentTimeMillis);
  }

  public ServerOptions withListen(String newHost, int newPort) {
    return new ServerOptions(
        data,
        newHost,
        newPort,
        roles,
        tlsCert,
        tlsKey,
        storageUrl,
        maxLogBytes,
        maxPackBytes,
        clock);
  }

  public ServerOptions withRoles(Set<Role> newRoles) {
    return new ServerOptions(
        data, host, port, newRoles, tlsCert, tlsKey, storageUrl, maxLogBytes, maxPackBytes, clock);
  }

  public ServerOptions withTls(Path cert, Path key) {
    return new ServerOptions(
        data, host, port, roles, cert, key, storageUrl, maxLogBytes, maxPackBytes, clock);
  }

  public ServerOptions withStorageUrl(String url) {
    return new ServerOptions(
        data, host, port, roles, tlsCert, tlsKey, url, maxLogBytes, maxPackBytes, clock);
  }

  public ServerOptions withLimits(long logBytes, long packBytes) {
    return new ServerOptions(
        data, host, port, roles, tlsCert, tlsKey, storageUrl, logBytes, packBytes, clock);
  }

  public ServerOptions withClock(LongSupplier newClock) {
    return new ServerOptions(
        data, host, port, roles, tlsCert, tlsKey, storageUrl, maxLogBytes, maxPackBytes, newClock);
  }
}
