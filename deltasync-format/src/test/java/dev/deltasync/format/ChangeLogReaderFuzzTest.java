package dev.deltasync.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Fuzzes the decoder. In a normal build this replays the corpus in {@code
 * ChangeLogReaderFuzzTestInputs/decodeNeverFailsUnexpectedly} (seeded with the golden files) as a
 * regression test; with {@code JAZZER_FUZZ=1} Jazzer fuzzes for real (docs/fuzzing.md).
 */
class ChangeLogReaderFuzzTest {
  /**
   * Any input either decodes to a log that survives a round trip, or is refused with a {@link
   * ChangeLogFormatException}: never another exception, a hang, or a memory blow-up.
   */
  @FuzzTest(maxDuration = "5m")
  void decodeNeverFailsUnexpectedly(byte[] input) throws IOException {
    ChangeLog log;
    try {
      log = ChangeLogReader.decode(input);
    } catch (ChangeLogFormatException expected) {
      assertThat(expected.getMessage()).isNotBlank();
      return;
    }
    ChangeLog again = ChangeLogReader.decode(ChangeLogWriter.encode(log));
    assertThat(again.changes()).isEqualTo(log.changes());
    assertThat(again.chunks()).isEqualTo(log.chunks());
    assertThat(ChangeLogReader.decode(new ByteArrayInputStream(input))).isEqualTo(log);
  }

  /**
   * The same property for any changes section, wrapped in a container with correct sizes and
   * hashes, so that fuzzing reaches the protobuf parser and the change rules behind the hashes.
   */
  @FuzzTest(maxDuration = "5m")
  void anyChangesSectionIsDecodedOrRefused(byte[] changesSection) throws IOException {
    decodeNeverFailsUnexpectedly(
        RawLogs.withSections(
            SampleLogs.header("docs", 5).build(), 1, changesSection, 0, new byte[0]));
    decodeNeverFailsUnexpectedly(
        RawLogs.withSections(
            SampleLogs.header("docs", 5).build(), 0, new byte[0], 1, changesSection));
  }
}
