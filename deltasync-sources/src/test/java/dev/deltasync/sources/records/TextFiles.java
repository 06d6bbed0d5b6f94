package dev.deltasync.sources.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A user's edits of contacts and calendar files, in tests. */
public final class TextFiles {
  private TextFiles() {}

  public static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  /** Replaces {@code from}, which must be there, by {@code to}: an edit in a text editor. */
  public static void replace(Path file, String from, String to) throws IOException {
    String text = read(file);
    assertThat(text).as(file.toString()).contains(from);
    Files.writeString(file, text.replace(from, to), StandardCharsets.UTF_8);
  }
}
