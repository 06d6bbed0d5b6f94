package dev.deltasync.cli;

/** A mistake of the user's that a command reports in one line, with what to do instead. */
final class UserException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  UserException(String message) {
    this(message, ErrorHandler.EXIT_FAILURE);
  }

  UserException(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
