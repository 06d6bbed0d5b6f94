package dev.deltasync.sources.vcard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deltasync.format.v1.Component;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every contact of the corpus (src/test/resources/vcard, written for these tests in the styles of
 * RFC 6350, Apple Contacts, Google Contacts, old phones and Outlook) reads into the universal
 * record and renders back.
 */
class CorpusRoundTripTest {
  static List<String> corpus() {
    return List.of(
        "rfc6350-examples.vcf",
        "apple-contacts-3.0.vcf",
        "old-phone-2.1.vcf",
        "google-3.0.vcf",
        "data-uris-4.0.vcf");
  }

  static byte[] resource(String name) throws IOException {
    try (InputStream in = CorpusRoundTripTest.class.getResourceAsStream("/vcard/" + name)) {
      assertThat(in).as("corpus file %s", name).isNotNull();
      return in.readAllBytes();
    }
  }

  @ParameterizedTest
  @MethodSource("corpus")
  void renderingAContactInItsOwnVersionGivesItsTextBackUpToDocumentedNormalisations(String name)
      throws Exception {
    byte[] bytes = resource(name);
    ContactFile file = ContactFile.of(Path.of(name), bytes);
    assertThat(file.entries).isNotEmpty();
    for (EntryText entry : file.entries) {
      byte[] text = entry.bytes(bytes);
      ParsedContact parsed = VCardParser.parse(text, name, entry.line());
      assertThat(parsed.version()).isNotNull();
      byte[] rendered =
          VCardRenderer.render(
              parsed.record(), Objects.requireNonNull(parsed.version()), parsed.prodid(), "\r\n");
      assertThat(NormalisedLines.of(rendered))
          .as("%s:%d rendered as\n%s", name, entry.line(), new String(rendered, "UTF-8"))
          .containsExactlyElementsOf(NormalisedLines.of(text));
    }
  }

  @ParameterizedTest
  @MethodSource("corpus")
  void aContactRenderedInItsOwnVersionReadsBackAsTheSameRecord(String name) throws Exception {
    byte[] bytes = resource(name);
    for (EntryText entry : ContactFile.of(Path.of(name), bytes).entries) {
      ParsedContact parsed = VCardParser.parse(entry.bytes(bytes), name, entry.line());
      byte[] rendered =
          VCardRenderer.render(
              parsed.record(), Objects.requireNonNull(parsed.version()), parsed.prodid(), "\r\n");
      ParsedContact again = VCardParser.parse(rendered, "rendered", 1);
      assertThat(again.record()).as("%s:%d", name, entry.line()).isEqualTo(parsed.record());
      assertThat(again.prodid()).isEqualTo(parsed.prodid());
    }
  }

  @ParameterizedTest
  @EnumSource(VCardVersion.class)
  void everyCorpusContactReadsBackAsTheSameRecordFromEveryVersion(VCardVersion version)
      throws Exception {
    for (String name : corpus()) {
      byte[] bytes = resource(name);
      for (EntryText entry : ContactFile.of(Path.of(name), bytes).entries) {
        Component record = VCardParser.parse(entry.bytes(bytes), name, entry.line()).record();
        byte[] rendered = VCardRenderer.render(record, version, null, "\r\n");
        Component again = VCardParser.parse(rendered, "rendered", 1).record();
        assertThat(again)
            .as("%s:%d as %s:\n%s", name, entry.line(), version, new String(rendered, "UTF-8"))
            .isEqualTo(DocumentedLosses.apply(record, version));
      }
    }
  }
}
