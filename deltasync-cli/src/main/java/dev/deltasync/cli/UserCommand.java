package dev.deltasync.cli;

import dev.deltasync.client.ClientOptions;
import dev.deltasync.client.RetryPolicy;
import dev.deltasync.client.ServerClient;
import dev.deltasync.client.ServerException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code deltasync user ...}: accounts on a server. */
@Command(
    name = "user",
    mixinStandardHelpOptions = true,
    description = "Manages the users of a deltasync server (with its admin token).",
    subcommands = {UserCommand.Add.class})
final class UserCommand implements Callable<Integer> {
  @Spec CommandSpec spec = CommandSpec.create();

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ErrorHandler.EXIT_BAD_INPUT;
  }

  /** {@code deltasync user add NAME --server URL --admin-token-file FILE}. */
  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = {
        "Creates a user on a server. The password comes from --password-file, else from env"
            + " DELTASYNC_PASSWORD, else it is asked for on the terminal."
      })
  static final class Add implements Callable<Integer> {
    @Spec CommandSpec spec = CommandSpec.create();

    @Parameters(index = "0", paramLabel = "NAME", description = "the user's name")
    String name = "";

    @Option(names = "--server", required = true, paramLabel = "URL", description = "the server")
    String server = "";

    @Option(
        names = "--admin-token-file",
        required = true,
        paramLabel = "FILE",
        description = "the server's admin token (DATA/admin-token on the server)")
    Path adminTokenFile = Path.of("");

    @Option(names = "--password-file", paramLabel = "FILE", description = "the new password")
    @Nullable Path passwordFile;

    @Override
    public Integer call() throws IOException {
      ClientOptions options;
      try {
        options =
            ClientOptions.of(server)
                .withRetry(new RetryPolicy(3, Duration.ofMillis(250), Duration.ofSeconds(1)));
      } catch (IllegalArgumentException e) {
        throw new UserException(String.valueOf(e.getMessage()), ErrorHandler.EXIT_BAD_INPUT);
      }
      String admin = Secrets.readFile(adminTokenFile, "the admin token file").strip();
      String password = Secrets.password(passwordFile, "password for the new user " + name);
      try (ServerClient client = ServerClient.connect(options)) {
        client.createUser(admin, name, password);
      } catch (ServerException e) {
        if (e.type().equals("user-exists")) {
          throw new UserException("the server has a user named \"" + name + "\" already");
        }
        throw e;
      } catch (IllegalArgumentException e) {
        throw new UserException(String.valueOf(e.getMessage()), ErrorHandler.EXIT_BAD_INPUT);
      }
      spec.commandLine().getOut().println("created user " + name + " on " + options.server());
      return 0;
    }
  }
}
