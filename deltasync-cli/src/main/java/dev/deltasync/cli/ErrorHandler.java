package dev.deltasync.cli;

import dev.deltasync.format.ChangeLogFormatException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns expected failures into one clear line on stderr and an exit code, instead of a stack trace:
 * 2 for input that is not acceptable, 1 for everything else.
 */
final class ErrorHandler implements IExecutionExceptionHandler {
  static final int EXIT_BAD_INPUT = 2;
  static final int EXIT_FAILURE = 1;

  @Override
  public int handleExecutionException(Exception e, CommandLine cli, ParseResult parsed) {
    String name = cli.getCommandSpec().qualifiedName().replaceFirst("^deltasync ", "");
    if (e instanceof ChangeLogFormatException bad) {
      cli.getErr().println(name + ": " + bad.getMessage());
      return EXIT_BAD_INPUT;
    }
    if (e instanceof UserException user) {
      cli.getErr().println(name + ": " + user.getMessage());
      return user.exitCode();
    }
    if (e instanceof NoSuchFileException missing) {
      cli.getErr().println(name + ": no such file: " + missing.getFile());
      return EXIT_FAILURE;
    }
    if (e instanceof IOException io
        && io.getMessage() != null
        && io.getClass().getName().startsWith("dev.deltasync.")) {
      // the client's, the engine's and the stores' exceptions say what happened and what to do
      cli.getErr().println(name + ": " + io.getMessage());
      return EXIT_FAILURE;
    }
    if (e instanceof IOException io) {
      cli.getErr().println(name + ": " + io);
      return EXIT_FAILURE;
    }
    cli.getErr().println(name + ": internal error, please report it with this trace:");
    e.printStackTrace(cli.getErr());
    return EXIT_FAILURE;
  }
}
