package dev.deltasync.cli;

import dev.deltasync.server.DeltasyncServer;
import dev.deltasync.server.Role;
import dev.deltasync.server.ServerOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code deltasync server}: runs the management and storage services until stopped. */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the deltasync server: management (users, devices, tokens, leases, push channel) and"
          + " storage (change logs, packs), both by default, with the embedded backend (SQLite and"
          + " files in the data directory).",
      "The first start creates an admin token in DATA/admin-token (mode 0600).",
      "Prints 'listening on URL' when ready; stops on Ctrl-C or SIGTERM."
    })
final class ServerCommand implements Callable<Integer> {
  @Spec CommandSpec spec = CommandSpec.create();

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "data directory (default: ${DEFAULT-VALUE})",
      defaultValue = "./deltasync-data")
  Path data = Path.of("deltasync-data");

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      description = "address to listen on; port 0 picks a free one (default: ${DEFAULT-VALUE})",
      defaultValue = "127.0.0.1:8440")
  String listen = "127.0.0.1:8440";

  @Option(
      names = "--role",
      paramLabel = "ROLE",
      description = "all, management or storage (default: ${DEFAULT-VALUE})",
      defaultValue = "all")
  String role = "all";

  @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate chain")
  @Nullable Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM (PKCS#8) private key")
  @Nullable Path tlsKey;

  @Option(
      names = "--storage-url",
      paramLabel = "URL",
      description = "the storage role's URL to hand to devices (default: this server's)")
  @Nullable String storageUrl;

  @Option(
      names = "--max-log-bytes",
      paramLabel = "N",
      description = "largest change log accepted (default: ${DEFAULT-VALUE})",
      defaultValue = "67108864")
  long maxLogBytes = ServerOptions.DEFAULT_MAX_LOG_BYTES;

  @Option(
      names = "--max-pack-bytes",
      paramLabel = "N",
      description = "largest pack accepted (default: ${DEFAULT-VALUE})",
      defaultValue = "1073741824")
  long maxPackBytes = ServerOptions.DEFAULT_MAX_PACK_BYTES;

  @Override
  public Integer call() throws IOException, InterruptedException {
    ServerOptions options =
        ServerOptions.defaults(data)
            .withListen(host(), port())
            .withRoles(roles())
            .withLimits(maxLogBytes, maxPackBytes);
    if (tlsCert != null || tlsKey != null) {
      if (tlsCert == null || tlsKey == null) {
        throw new UserException("give both --tls-cert and --tls-key", ErrorHandler.EXIT_BAD_INPUT);
      }
      for (Path file : new Path[] {tlsCert, tlsKey}) {
        if (!Files.isReadable(file)) {
          throw new UserException("cannot read " + file, ErrorHandler.EXIT_BAD_INPUT);
        }
      }
      options = options.withTls(tlsCert, tlsKey);
    }
    if (storageUrl != null) {
      options = options.withStorageUrl(storageUrl);
    }
    PrintWriter out = spec.commandLine().getOut();
    DeltasyncServer server = DeltasyncServer.start(options);
    Thread stopper =
        new Thread(
            () -> {
              try {
                server.close();
              } catch (IOException e) {
                // exiting anyway
              }
            },
            "deltasync-server-stop");
    Runtime.getRuntime().addShutdownHook(stopper);
    out.println(
        (server.adminTokenCreated() ? "admin token created in " : "admin token in ")
            + server.adminTokenFile().toAbsolutePath());
    out.println("data in " + data.toAbsolutePath());
    out.println("listening on " + server.url());
    out.flush();
    server.join();
    return 0;
  }

  private String host() {
    int colon = listen.lastIndexOf(':');
    if (colon <= 0) {
      throw new UserException(
          "--listen takes HOST:PORT, such as 127.0.0.1:8440, not \"" + listen + "\"",
          ErrorHandler.EXIT_BAD_INPUT);
    }
    String host = listen.substring(0, colon);
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  private int port() {
    String text = listen.substring(listen.lastIndexOf(':') + 1);
    try {
      int port = Integer.parseInt(text);
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new UserException(
          "the port in --listen must be 0..65535, not \"" + text + "\"",
          ErrorHandler.EXIT_BAD_INPUT);
    }
  }

  private Set<Role> roles() {
    return switch (role.toLowerCase(Locale.ROOT)) {
      case "all" -> EnumSet.allOf(Role.class);
      case "management" -> EnumSet.of(Role.MANAGEMENT);
      case "storage" -> EnumSet.of(Role.STORAGE);
      default ->
          throw new UserException(
              "--role is all, management or storage, not \"" + role + "\"",
              ErrorHandler.EXIT_BAD_INPUT);
    };
  }
}
