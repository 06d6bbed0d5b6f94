package dev.deltasync.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;

/** Entry point of the {@code deltasync} command. */
public final class Main {
  /** The subcommands, by name, in the order the usage lists them. */
  static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();

  private Main() {}

  public static void main(String[] args) {
    SyncPrefetch.startFor(args); // SQLite's library, and for a sync its store, beside picocli
    System.exit(run(args));
  }

  /** Runs the command and returns its exit code; the tests call this in-process. */
  static int run(String... args) {
    return commandLine(args).execute(args);
  }

  /** The command with every subcommand. */
  static CommandLine commandLine() {
    return commandLine(new String[0]);
  }

  /**
   * The command for these arguments: when they name a subcommand, with that one only (picocli reads
   * every subcommand's annotations when it is added: about a tenth of a short command's time), else
   * with all, for the usage and for suggestions after a typo.
   */
  static CommandLine commandLine(String[] args) {
    CommandLine cli = new CommandLine(new DeltasyncCommand());
    String named = subcommandIn(args);
    for (Map.Entry<String, Supplier<Object>> subcommand : SUBCOMMANDS.entrySet()) {
      if (named == null || subcommand.getKey().equals(named)) {
        cli.addSubcommand(subcommand.getKey(), subcommand.getValue().get());
      }
    }
    cli.setExecutionExceptionHandler(new ErrorHandler());
    return cli;
  }

  /** The subcommand the arguments name (the first that is not an option), if it is one. */
  static @Nullable String subcommandIn(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--home")) {
        i++; // its value
      } else if (!arg.startsWith("-")) {
        return SUBCOMMANDS.containsKey(arg) ? arg : null;
      }
    }
    return null;
  }

  private static Map<String, Supplier<Object>> subcommands() {
    Map<String, Supplier<Object>> all = new LinkedHashMap<>();
    all.put("server", ServerCommand::new);
    all.put("user", UserCommand::new);
    all.put("join", JoinCommand::new);
    all.put("add", AddCommand::new);
    all.put("sync", SyncCommand::new);
    all.put("watch", WatchCommand::new);
    all.put("status", StatusCommand::new);
    all.put("log", LogCommand::new);
    all.put("conflicts", ConflictsCommand::new);
    all.put("decode", DecodeCommand::new);
    all.put("encode", EncodeCommand::new);
    return java.util.Collections.unmodifiableMap(all);
  }
}
