package dev.deltasync.cli;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether the process talks to a terminal. */
final class Terminal {
  private Terminal() {}

  /**
   * True when stdin and stdout are a terminal. On Java 22 and later {@code System.console()} may
   * exist without one, so {@code Console.isTerminal()} decides there; Java 21 has no such method
   * and returns a console only for a terminal.
   */
  static boolean isInteractive() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      Method isTerminal = Console.class.getMethod("isTerminal");
      return Boolean.TRUE.equals(isTerminal.invoke(console));
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }
}
