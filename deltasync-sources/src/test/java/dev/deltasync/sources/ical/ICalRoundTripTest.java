package dev.deltasync.sources.ical;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deltasync.format.v1.Component;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Every item of every corpus file, read and rendered back, gives its own text again: byte for byte
 * where the file was written the way this source writes (CRLF, folded at 75 octets, parameter
 * values quoted only when they must be), else up to the normalizations of docs/icalendar.md.
 */
class ICalRoundTripTest {
  static final List<String> FILES = Corpus.FILES;

  /** Files written exactly as this source writes; their items must come back byte for byte. */
  static final Set<String> CANONICAL =
      Set.of(
          "corpus/rfc5545-examples.ics",
          "corpus/google-calendar.ics",
          "corpus/recurring-zones.ics",
          "vdir/9b3c1f5e-2a47-4d8e-b1c6-0f7a8e9d2c31.ics",
          "vdir/dentist@corpus.example.ics",
          "vdir/buy-milk.ics");

  @ParameterizedTest
  @FieldSource("FILES")
  void everyItemRendersBackToItsOwnText(String name) throws Exception {
    CalendarText text = CalendarText.parse(Path.of(name), Corpus.bytes(name));
    assertThat(text.problems).as("problems in %s", name).isEmpty();
    assertThat(text.items).as("items in %s", name).isNotEmpty();
    for (CalendarText.ItemText item : text.items.values()) {
      Component record = RecordReader.read(text, item);
      assertThat(record.getPropertiesList()).isEmpty();
      StringBuilder rendered = new StringBuilder();
      for (Component component : record.getComponentsList()) {
        RecordWriter.render(component, rendered);
      }
      byte[] bytes = rendered.toString().getBytes(StandardCharsets.UTF_8);
      String original = new String(item.text, StandardCharsets.UTF_8);
      if (CANONICAL.contains(name)) {
        assertThat(rendered.toString()).as("item %s of %s", item.uid, name).isEqualTo(original);
      } else {
        assertThat(normalized(bytes))
            .as("item %s of %s", item.uid, name)
            .isEqualTo(normalized(item.text));
      }
      for (String line : rendered.toString().split("\r\n", -1)) {
        assertThat(line.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(75);
      }
    }
  }

  /**
   * The documented normalizations undone: lines unfolded (CRLF or LF, then a space or a tab), blank
   * lines dropped, quotes around parameter values that need none removed.
   */
  static List<String> normalized(byte[] text) {
    ByteArrayOutputStream unfolded = new ByteArrayOutputStream();
    for (int i = 0; i < text.length; i++) {
      byte b = text[i];
      if (b == '\r' && i + 1 < text.length && text[i + 1] == '\n') {
        continue;
      }
      if (b == '\n' && i + 1 < text.length && (text[i + 1] == ' ' || text[i + 1] == '\t')) {
        i++;
        continue;
      }
      unfolded.write(b);
    }
    List<String> lines = new ArrayList<>();
    for (String line : unfolded.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) {
        lines.add(line.replaceAll("([=,])\"([^\":;,]*)\"", "$1$2"));
      }
    }
    return lines;
  }
}
