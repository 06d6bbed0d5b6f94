package dev.deltasync.server;

import java.nio.file.Path;

/**
 * A server in a process of its own, for {@link TwoServersSameBackendTest}: serves the data
 * directory given as the only argument on a free port of 127.0.0.1, prints {@code LISTENING <url>},
 * and stops cleanly when its standard input ends.
 */
public final class ServerProcess {
  private ServerProcess() {}

  public static void main(String[] args) throws Exception {
    ServerOptions options = ServerOptions.defaults(Path.of(args[0])).withListen("127.0.0.1", 0);
    try (DeltasyncServer server = DeltasyncServer.start(options)) {
      System.out.println("LISTENING " + server.url());
      System.out.flush();
      while (System.in.read() >= 0) {
        // until the parent closes our input
      }
    }
  }
}
