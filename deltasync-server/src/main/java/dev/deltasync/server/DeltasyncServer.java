package dev.deltasync.server;

import dev.deltasync.server.internal.ServerAssembly;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A running deltasync server. {@link #start} opens the data directory (creating the admin token,
 * the signing key and the embedded backend on first start) and listens; {@link #close} stops it.
 */
public final class DeltasyncServer implements AutoCloseable {
  private final ServerAssembly assembly;

  private DeltasyncServer(ServerAssembly assembly) {
    this.assembly = assembly;
  }

  /**
   * Starts a server.
   *
   * @throws IOException when the data directory cannot be used or the address cannot be bound (the
   *     message says which)
   */
  public static DeltasyncServer start(ServerOptions options) throws IOException {
    return new DeltasyncServer(ServerAssembly.start(options));
  }

  /** The port it listens on (the real one when port 0 was asked). */
  public int port() {
    return assembly.port();
  }

  /** Its base URL, such as {@code http://127.0.0.1:8440}. */
  public String url() {
    return assembly.url();
  }

  /** The file holding the admin token ({@code DATA/admin-token}, mode 0600). */
  public Path adminTokenFile() {
    return assembly.adminTokenFile();
  }

  /** Whether this start created the admin token (the first start of a data directory). */
  public boolean adminTokenCreated() {
    return assembly.adminTokenCreated();
  }

  /** Waits until the server stops. */
  public void join() throws InterruptedException {
    assembly.join();
  }

  @Override
  public void close() throws IOException {
    assembly.close();
  }
}
