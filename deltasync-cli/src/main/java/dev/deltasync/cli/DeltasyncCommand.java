package dev.deltasync.cli;

import dev.deltasync.format.FormatInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The top-level command; its subcommands ({@link Main#SUBCOMMANDS}) do the work. */
@Command(
    name = "deltasync",
    mixinStandardHelpOptions = true,
    versionProvider = DeltasyncCommand.Version.class,
    description = {
      "Keeps data in step across devices through universal, compressed change logs.",
      ""
    },
    footer = {"", "Documentation: README.md and docs/ in the deltasync repository."})
final class DeltasyncCommand implements Callable<Integer> {
  /** Injected by picocli before {@link #call()}. */
  @Spec CommandSpec spec = CommandSpec.create();

  @Option(
      names = "--home",
      paramLabel = "DIR",
      description =
          "the device's home: state, credentials (env DELTASYNC_HOME; default ~/.deltasync)")
  @Nullable Path home;

  /** The home the options and the environment name. */
  Home home() {
    return Home.resolve(home);
  }

  /** Without a subcommand: the usage, on stderr, and exit code 2. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ErrorHandler.EXIT_BAD_INPUT;
  }

  /** Reads the version Maven wrote into the jar. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties properties = new Properties();
      try (InputStream in = DeltasyncCommand.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          properties.load(in);
        }
      }
      return new String[] {
        "deltasync " + properties.getProperty("version", "unknown"),
        "change-log format version " + FormatInfo.FORMAT_VERSION,
        "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
      };
    }
  }
}
