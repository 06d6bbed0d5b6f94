package dev.deltasync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** {@code deltasync decode} and {@code encode} in-process, on the format's golden files. */
class DecodeEncodeCommandTest {
  static final Path GOLDEN = Path.of("../deltasync-format/src/test/resources/golden/v1");

  @TempDir Path dir;
  final StringWriter err = new StringWriter();
  final StringWriter out = new StringWriter();

  int run(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(out, true));
    return cli.execute(args);
  }

  static Stream<String> goldenNames() throws IOException {
    try (Stream<Path> files = Files.list(GOLDEN)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".dslog"))
          .map(n -> n.substring(0, n.length() - 6))
          .sorted()
          .toList()
          .stream();
    }
  }

  @ParameterizedTest
  @MethodSource("goldenNames")
  void decodeThenEncodeGivesBackTheGoldenFile(String name) throws IOException {
    Path json = dir.resolve(name + ".json");
    Path binary = dir.resolve(name + ".dslog");
    assertThat(run("decode", GOLDEN.resolve(name + ".dslog").toString(), "-o", json.toString()))
        .as(err.toString())
        .isZero();
    assertThat(Files.readString(json, StandardCharsets.UTF_8))
        .isEqualTo(Files.readString(GOLDEN.resolve(name + ".json"), StandardCharsets.UTF_8));
    assertThat(run("encode", json.toString(), "-o", binary.toString())).as(err.toString()).isZero();
    assertThat(Files.readAllBytes(binary))
        .isEqualTo(Files.readAllBytes(GOLDEN.resolve(name + ".dslog")));
  }

  @Test
  void damagedLogIsReportedWithExitCode2AndNothingIsWritten() throws IOException {
    byte[] bytes = Files.readAllBytes(GOLDEN.resolve("files.dslog"));
    bytes[bytes.length - 10] ^= 0x40;
    Path damaged = dir.resolve("damaged.dslog");
    Files.write(damaged, bytes);
    Path json = dir.resolve("out.json");
    assertThat(run("decode", damaged.toString(), "-o", json.toString())).isEqualTo(2);
    assertThat(err.toString()).startsWith("decode: chunk 2 at byte ");
    assertThat(json).doesNotExist();
  }

  @Test
  void badJsonIsReportedWithExitCode2AndTheOldOutputSurvives() throws IOException {
    Path json = dir.resolve("bad.json");
    Files.writeString(json, "{\"format\":\"deltasync-change-log\",\"version\":1,\"header\":{}}");
    Path binary = dir.resolve("out.dslog");
    Files.writeString(binary, "previous content");
    assertThat(run("encode", json.toString(), "-o", binary.toString())).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("encode: header: user is empty" + System.lineSeparator());
    assertThat(Files.readString(binary)).isEqualTo("previous content");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("bad.json", "out.dslog");
    }
  }

  @Test
  void missingFileSaysSo() {
    assertThat(run("decode", dir.resolve("nope.dslog").toString())).isEqualTo(1);
    assertThat(err.toString()).startsWith("decode: no such file: ").contains("nope.dslog");
  }

  @Test
  void helpListsTheCommands() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("Usage: deltasync").contains("decode").contains("encode");
  }

  @Test
  void versionNamesTheFormatVersion() {
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).contains("change-log format version 1");
  }

  @Test
  void noCommandPrintsUsageAndFails() {
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString()).contains("Usage: deltasync");
  }

  @Test
  void unknownCommandIsAUsageError() {
    assertThat(run("frobnicate")).isEqualTo(2);
    assertThat(err.toString()).contains("Unmatched argument").contains("frobnicate");
  }
}
