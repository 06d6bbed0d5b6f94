package dev.deltasync.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deltasync.format.v1.Change;
import dev.deltasync.format.v1.ChangeSet;
import dev.deltasync.format.v1.ChangeType;
import dev.deltasync.format.v1.ItemKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The golden files pin format v1: every {@code NAME.dslog} under {@code golden/v1} decodes,
 * re-encodes byte-exact, and has a JSON twin {@code NAME.json} that is its exact decoded form.
 *
 * <p>To regenerate after a deliberate format change (which is a new format version, see
 * docs/format.md): {@code ./mvnw -pl deltasync-format test -Dtest=GoldenFilesTest
 * -Ddeltasync.golden.write=true}.
 */
class GoldenFilesTest {
  static final Path DIR = Path.of("src/test/resources/golden/v1");

  @BeforeAll
  static void writeWhenAsked() throws IOException {
    if (!Boolean.getBoolean("deltasync.golden.write")) {
      return;
    }
    Files.createDirectories(DIR);
    for (Map.Entry<String, ChangeLog> sample : SampleLogs.all().entrySet()) {
      byte[] bytes = ChangeLogWriter.encode(sample.getValue());
      Files.write(DIR.resolve(sample.getKey() + ".dslog"), bytes);
      Files.writeString(
          DIR.resolve(sample.getKey() + ".json"),
          ChangeLogJson.toJson(ChangeLogReader.decode(bytes)),
          StandardCharsets.UTF_8);
      // Seeds for the fuzz tests' corpora (ChangeLogReaderFuzzTest).
      Path fuzz = Path.of("src/test/resources/dev/deltasync/format/ChangeLogReaderFuzzTestInputs");
      Files.createDirectories(fuzz.resolve("decodeNeverFailsUnexpectedly"));
      Files.write(fuzz.resolve("decodeNeverFailsUnexpectedly/golden-" + sample.getKey()), bytes);
      Files.createDirectories(fuzz.resolve("anyChangesSectionIsDecodedOrRefused"));
      Files.write(
          fuzz.resolve("anyChangesSectionIsDecodedOrRefused/golden-" + sample.getKey()),
          ChangeSet.newBuilder().addAllChanges(sample.getValue().changes()).build().toByteArray());
    }
  }

  static Stream<String> goldenNames() throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".dslog"))
          .map(n -> n.substring(0, n.length() - ".dslog".length()))
          .sorted()
          .toList()
          .stream();
    }
  }

  static byte[] binary(String name) throws IOException {
    return Files.readAllBytes(DIR.resolve(name + ".dslog"));
  }

  static String json(String name) throws IOException {
    return Files.readString(DIR.resolve(name + ".json"), StandardCharsets.UTF_8);
  }

  @Test
  void everySampleHasAGoldenFileWithTheSameBytes() throws IOException {
    for (Map.Entry<String, ChangeLog> sample : SampleLogs.all().entrySet()) {
      assertThat(ChangeLogWriter.encode(sample.getValue()))
          .as(
              "encoding of sample '%s' vs its golden file (a difference is a format change)",
              sample.getKey())
          .isEqualTo(binary(sample.getKey()));
    }
  }

  @ParameterizedTest
  @MethodSource("goldenNames")
  void decodesAndReencodesByteExact(String name) throws IOException {
    byte[] bytes = binary(name);
    assertThat(ChangeLogWriter.encode(ChangeLogReader.decode(bytes))).isEqualTo(bytes);
  }

  @ParameterizedTest
  @MethodSource("goldenNames")
  void jsonTwinIsTheDecodedForm(String name) throws IOException {
    assertThat(ChangeLogJson.toJson(ChangeLogReader.decode(binary(name)))).isEqualTo(json(name));
  }

  @ParameterizedTest
  @MethodSource("goldenNames")
  void jsonTwinEncodesToTheBinary(String name) throws IOException {
    assertThat(ChangeLogWriter.encode(ChangeLogJson.fromJson(json(name)))).isEqualTo(binary(name));
  }

  @Test
  void goldenFilesCoverEveryChangeTypeItemKindAndPayload() throws IOException {
    Set<ChangeType> types = EnumSet.noneOf(ChangeType.class);
    Set<ItemKind> kinds = EnumSet.noneOf(ItemKind.class);
    Set<Change.PayloadCase> payloads = EnumSet.noneOf(Change.PayloadCase.class);
    List<String> names = new ArrayList<>(goldenNames().toList());
    boolean empty = false;
    boolean chunks = false;
    for (String name : names) {
      ChangeLog log = ChangeLogReader.decode(binary(name));
      empty |= log.changes().isEmpty();
      chunks |= !log.chunks().isEmpty();
      for (Change change : log.changes()) {
        types.add(change.getType());
        kinds.add(change.getKind());
        payloads.add(change.getPayloadCase());
      }
    }
    assertThat(types)
        .containsExactlyInAnyOrder(
            ChangeType.CHANGE_ADD,
            ChangeType.CHANGE_MODIFY,
            ChangeType.CHANGE_MOVE,
            ChangeType.CHANGE_DELETE);
    assertThat(kinds)
        .containsExactlyInAnyOrder(
            ItemKind.KIND_FILE,
            ItemKind.KIND_DIRECTORY,
            ItemKind.KIND_SYMLINK,
            ItemKind.KIND_CONTACT,
            ItemKind.KIND_EVENT,
            ItemKind.KIND_TODO);
    assertThat(payloads).containsExactlyInAnyOrder(Change.PayloadCase.values());
    assertThat(empty).as("an empty log is among the golden files").isTrue();
    assertThat(chunks).as("a log with a pack section is among the golden files").isTrue();
    assertThat(names).contains("max-header", "uncompressed");
  }
}
