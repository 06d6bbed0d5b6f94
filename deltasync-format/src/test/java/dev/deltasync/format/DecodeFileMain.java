package dev.deltasync.format;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Decodes one file and prints the outcome: "ok" or the {@link ChangeLogFormatException.Problem} and
 * message. Run in a child JVM with a small heap to show the reader's memory stays bounded.
 */
public final class DecodeFileMain {
  private DecodeFileMain() {}

  public static void main(String[] args) throws Exception {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(Path.of(args[0])))) {
      ChangeLogReader.decode(in);
      System.out.println("ok");
    } catch (ChangeLogFormatException e) {
      System.out.println(e.problem() + ": " + e.getMessage());
    }
  }
}
