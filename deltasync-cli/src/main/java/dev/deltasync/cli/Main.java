package dev.deltasync.cli;

import picocli.CommandLine;

/** Entry point of the {@code deltasync} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    NativeSqlite.prepare();
    System.exit(run(args));
  }

  /** Runs the command and returns its exit code; the tests call this in-process. */
  static int run(String... args) {
    return commandLine().execute(args);
  }

  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new DeltasyncCommand());
    cli.setExecutionExceptionHandler(new ErrorHandler());
    return cli;
  }
}
