package dev.deltasync.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code deltasync join STORE}: makes the home a device of a store. */
@Command(
    name = "join",
    mixinStandardHelpOptions = true,
    description = {
      "Makes this home a device of a store: a server (http(s)://HOST:PORT; registers the device"
          + " with the user's password and keeps its token in the home) or a directory store"
          + " (file:///PATH or a plain path; no credentials).",
      "The password comes from --password-file, else from env DELTASYNC_PASSWORD, else it is asked"
          + " for on the terminal."
    })
final class JoinCommand implements Callable<Integer> {
  @Spec CommandSpec spec = CommandSpec.create();

  @ParentCommand @Nullable DeltasyncCommand parent;

  @Parameters(index = "0", paramLabel = "STORE", description = "a server URL or a directory")
  String store = "";

  @Option(
      names = "--user",
      paramLabel = "NAME",
      description = "the user (required for a server; for a directory store default: default)")
  @Nullable String user;

  @Option(names = "--password-file", paramLabel = "FILE", description = "the user's password")
  @Nullable Path passwordFile;

  @Option(
      names = "--device",
      paramLabel = "NAME",
      description = "this device's name (default: the host name)")
  @Nullable String device;

  @Override
  public Integer call() throws IOException {
    Home home = parent == null ? Home.resolve(null) : parent.home();
    String deviceName = device == null ? hostName() : device;
    JoinOperation.Result result =
        new JoinOperation(
                new JoinOperation.Options(
                    home,
                    store,
                    user,
                    forUser -> Secrets.password(passwordFile, "password for user " + forUser),
                    deviceName))
            .execute();
    PrintWriter out = spec.commandLine().getOut();
    HomeConfig config = result.config();
    out.println(
        "joined "
            + config.store()
            + " as device \""
            + config.device()
            + "\" of user \""
            + config.user()
            + "\"; home "
            + home.dir());
    out.println("next: deltasync add COLLECTION PATH, then deltasync sync");
    return 0;
  }

  static String hostName() {
    String name;
    try {
      name = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      name = System.getenv().getOrDefault("HOSTNAME", "device");
    }
    int dot = name.indexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }
}
