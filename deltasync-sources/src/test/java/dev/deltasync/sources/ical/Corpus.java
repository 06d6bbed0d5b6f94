package dev.deltasync.sources.ical;

import dev.deltasync.format.v1.Component;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The test corpus under {@code src/test/resources/ical}. */
final class Corpus {
  private Corpus() {}

  static final List<String> FILES =
      List.of(
          "corpus/rfc5545-examples.ics",
          "corpus/google-calendar.ics",
          "corpus/apple-calendar.ics",
          "corpus/outlook.ics",
          "corpus/recurring-zones.ics",
          "corpus/todos-careless-writer.ics",
          "vdir/9b3c1f5e-2a47-4d8e-b1c6-0f7a8e9d2c31.ics",
          "vdir/dentist@corpus.example.ics",
          "vdir/buy-milk.ics");

  static final List<String> VDIR =
      List.of(
          "9b3c1f5e-2a47-4d8e-b1c6-0f7a8e9d2c31.ics", "dentist@corpus.example.ics", "buy-milk.ics");

  static byte[] bytes(String name) {
    try (InputStream in = Corpus.class.getResourceAsStream("/ical/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no corpus file " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies a corpus file to {@code to}. */
  static Path copy(String name, Path to) throws IOException {
    Files.createDirectories(to.toAbsolutePath().getParent());
    Files.write(to, bytes(name));
    return to;
  }

  /** Copies the corpus vdir into {@code dir}. */
  static Path copyVdir(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (String name : VDIR) {
      Files.write(dir.resolve(name), bytes("vdir/" + name));
    }
    return dir;
  }

  /** The record of the one item in {@code components}: its VTIMEZONEs and VEVENTs as text. */
  static Component record(String components) {
    CalendarText text =
        CalendarText.parse(Path.of("record.ics"), components.getBytes(StandardCharsets.UTF_8));
    CalendarText.ItemText item = text.items.values().iterator().next();
    try {
      return RecordReader.read(text, item);
    } catch (RecordReader.MalformedItemException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }
}
