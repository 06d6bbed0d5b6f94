package dev.deltasync.server.internal;

import dev.deltasync.server.Role;
import dev.deltasync.server.ServerOptions;
import dev.deltasync.server.backend.embedded.EmbeddedBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Puts a server together: secrets of the data directory, the embedded backend, the routes, and a
 * Jetty server with HTTP/1.1 and HTTP/2 (h2c in clear text; h2 by ALPN with TLS). Blocking handlers
 * run on virtual threads, so idle push-channel watchers cost no platform thread.
 */
public final class ServerAssembly implements AutoCloseable {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ServerAssembly.class);

  private final Server jetty;
  private final ServerConnector connector;
  private final EmbeddedBackend backend;
  private final HeadEvents events;
  private final Path adminTokenFile;
  private final boolean adminTokenCreated;
  private final boolean tls;
  private final String host;

  private final Janitor janitor;

  private ServerAssembly(
      Server jetty,
      ServerConnector connector,
      EmbeddedBackend backend,
      HeadEvents events,
      Path adminTokenFile,
      boolean adminTokenCreated,
      boolean tls,
      String host,
      Janitor janitor) {
    this.janitor = janitor;
    this.jetty = jetty;
    this.connector = connector;
    this.backend = backend;
    this.events = events;
    this.adminTokenFile = adminTokenFile;
    this.adminTokenCreated = adminTokenCreated;
    this.tls = tls;
    this.host = host;
  }

  /** Opens the data directory and starts listening. */
  public static ServerAssembly start(ServerOptions options) throws IOException {
    Path data = Files.createDirectories(options.data());
    Path adminTokenFile = data.resolve("admin-token");
    Secrets.Created admin =
        Secrets.readOrCreate(adminTokenFile, Secrets.newToken(Secrets.ADMIN_PREFIX));
    Secrets.Created signing =
        Secrets.readOrCreate(
            data.resolve("signing-key"), HexFormat.of().formatHex(Secrets.randomBytes(32)));
    byte[] signingKey;
    try {
      signingKey = HexFormat.of().parseHex(signing.secret());
    } catch (IllegalArgumentException e) {
      throw new IOException(data.resolve("signing-key") + " is damaged; delete it and restart", e);
    }
    EmbeddedBackend backend = EmbeddedBackend.open(data, options.clock());
    // Starts its thread only when a device watches, so a storage-only process has none.
    HeadEvents events = new HeadEvents(backend.metadata());
    try {
      boolean management = options.roles().contains(Role.MANAGEMENT);
      boolean storage = options.roles().contains(Role.STORAGE);
      ServerMetrics metrics = new ServerMetrics();
      AccessTokens accessTokens = new AccessTokens(signingKey);
      Authenticator auth =
          new Authenticator(backend.metadata(), accessTokens, admin.secret(), options.clock());

      QueuedThreadPool threads = new QueuedThreadPool(200, 8);
      threads.setName("deltasync-http");
      threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
      Server jetty = new Server(threads);
      HttpConfiguration http = new HttpConfiguration();
      http.setSendServerVersion(false);
      http.setSendDateHeader(true);
      // Collection names may hold '/', percent-encoded in one path segment.
      http.setUriCompliance(
          UriCompliance.DEFAULT.with(
              "deltasync",
              UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR,
              UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING,
              UriCompliance.Violation.AMBIGUOUS_PATH_SEGMENT));
      ServerConnector connector;
      boolean tls = options.tlsCert() != null;
      if (tls) {
        http.addCustomizer(new SecureRequestCustomizer());
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        char[] password = HexFormat.of().formatHex(Secrets.randomBytes(16)).toCharArray();
        KeyStore keys =
            PemKeyStore.load(
                java.util.Objects.requireNonNull(options.tlsCert()),
                java.util.Objects.requireNonNull(options.tlsKey()),
                password);
        ssl.setKeyStore(keys);
        ssl.setKeyStorePassword(new String(password));
        HttpConnectionFactory http1 = new HttpConnectionFactory(http);
        HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(http);
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
        alpn.setDefaultProtocol(http1.getProtocol());
        SslConnectionFactory tlsFactory = new SslConnectionFactory(ssl, alpn.getProtocol());
        connector = new ServerConnector(jetty, tlsFactory, alpn, h2, http1);
      } else {
        connector =
            new ServerConnector(
                jetty, new HttpConnectionFactory(http), new HTTP2CServerConnectionFactory(http));
      }
      connector.setHost(options.host());
      connector.setPort(options.port());
      connector.setIdleTimeout(60_000);
      jetty.addConnector(connector);

      ServerAssembly[] self = new ServerAssembly[1];
      String configuredStorage = options.storageUrl();
      ManagementRoutes managementRoutes =
          new ManagementRoutes(
              backend.metadata(),
              auth,
              accessTokens,
              events,
              metrics,
              options.clock(),
              () -> configuredStorage != null ? configuredStorage : self[0].url());
      StorageRoutes storageRoutes =
          new StorageRoutes(
              backend.metadata(),
              backend.blobs(),
              auth,
              metrics,
              options.clock(),
              new StorageRoutes.Limits(
                  options.maxLogBytes(), options.maxPackBytes(), options.maxPackBytes()));
      jetty.setHandler(
          new ApiHandler(managementRoutes, storageRoutes, management, storage, metrics));
      jetty.setErrorHandler(new ProblemErrorHandler());
      jetty.setStopTimeout(5_000);
      Janitor janitor = new Janitor(backend.metadata(), backend.blobs(), options.clock());
      if (storage) {
        janitor.start(Duration.ofMinutes(1), Duration.ofHours(1));
      }
      ServerAssembly assembly =
          new ServerAssembly(
              jetty,
              connector,
              backend,
              events,
              adminTokenFile,
              admin.created(),
              tls,
              options.host(),
              janitor);
      self[0] = assembly;
      try {
        jetty.start();
      } catch (Exception e) {
        assembly.close();
        throw new IOException(
            "cannot listen on " + options.host() + ":" + options.port() + ": " + e.getMessage(), e);
      }
      LOG.atInfo()
          .addKeyValue("url", assembly.url())
          .addKeyValue("roles", options.roles().toString())
          .addKeyValue("data", data.toAbsolutePath().toString())
          .log("server started");
      return assembly;
    } catch (IOException | RuntimeException e) {
      events.close();
      backend.close();
      throw e;
    }
  }

  public int port() {
    return connector.getLocalPort();
  }

  public String url() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return (tls ? "https" : "http") + "://" + h + ":" + port();
  }

  public Path adminTokenFile() {
    return adminTokenFile;
  }

  public boolean adminTokenCreated() {
    return adminTokenCreated;
  }

  public void join() throws InterruptedException {
    jetty.join();
  }

  @Override
  public void close() throws IOException {
    // First end the push-channel streams, which never end on their own: Jetty's graceful stop
    // would otherwise wait its whole stop timeout for them.
    String stopping = url();
    janitor.close();
    events.close();
    try {
      jetty.stop();
    } catch (Exception e) {
      // stopping anyway
    } finally {
      backend.close();
      LOG.atInfo().addKeyValue("url", stopping).log("server stopped");
    }
  }
}
