package dev.deltasync.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** Passwords and tokens from files, the environment or the terminal; never from arguments. */
final class Secrets {
  static final String PASSWORD_ENV = "DELTASYNC_PASSWORD";

  private Secrets() {}

  /**
   * The password from {@code file}, else {@code $DELTASYNC_PASSWORD}, else asked for on the
   * terminal.
   *
   * @param forWhom the prompt, such as "password of alice"
   * @throws UserException when none is available
   */
  static String password(@Nullable Path file, String forWhom) throws IOException {
    if (file != null) {
      return readFile(file, "the password file");
    }
    String env = System.getenv(PASSWORD_ENV);
    if (env != null && !env.isEmpty()) {
      return env;
    }
    Console console = System.console();
    if (console != null && Terminal.isInteractive()) {
      char[] typed = console.readPassword("%s: ", forWhom);
      if (typed != null && typed.length > 0) {
        return new String(typed);
      }
    }
    throw new UserException(
        "no "
            + forWhom
            + ": give --password-file FILE or set "
            + PASSWORD_ENV
            + " (there is no terminal to ask on)",
        ErrorHandler.EXIT_BAD_INPUT);
  }

  /** A secret file's content without its final line break. */
  static String readFile(Path file, String what) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new UserException(what + " " + file + " does not exist", ErrorHandler.EXIT_BAD_INPUT);
    }
    if (text.endsWith("\n")) {
      text = text.substring(0, text.length() - 1);
    }
    if (text.endsWith("\r")) {
      text = text.substring(0, text.length() - 1);
    }
    if (text.isEmpty()) {
      throw new UserException(what + " " + file + " is empty", ErrorHandler.EXIT_BAD_INPUT);
    }
    return text;
  }
}
