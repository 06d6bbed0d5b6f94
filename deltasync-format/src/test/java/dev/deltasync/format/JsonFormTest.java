package dev.deltasync.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deltasync.format.ChangeLogFormatException.Problem;
import dev.deltasync.format.v1.LogHeader;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The JSON form refuses what is not a change log document of this version. */
class JsonFormTest {
  @Test
  void notJsonIsRejected() {
    assertThatThrownBy(() -> ChangeLogJson.fromJson("this is { not json"))
        .isInstanceOf(ChangeLogFormatException.class)
        .hasMessageStartingWith("not a change log in JSON form: ");
  }

  @Test
  void unknownFieldsAreRejected() {
    assertThatThrownBy(() ->
            ChangeLogJson.fromJson(
                "{\"format\":\"deltasync-change-log\",\"version\":1,\"colour\":\"red\"}"))
        .hasMessageContaining("colour");
  }

  @Test
  void otherFormatsAndVersionsAreRejected() {
    assertThatThrownBy(
            () -> ChangeLogJson.fromJson("{\"format\":\"something-else\",\"version\":1}"))
        .hasMessage("JSON document has format 'something-else'; expected 'deltasync-change-log'");
    ChangeLogFormatException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ChangeLogFormatException.class,
            () -> ChangeLogJson.fromJson("{\"format\":\"deltasync-change-log\",\"version\":2}"));
    assertThat(e.problem()).isEqualTo(Problem.UNSUPPORTED);
    assertThat(e.getMessage())
        .isEqualTo("JSON document has version 2; this deltasync writes version 1");
  }

  @Test
  void derivedHeaderFieldsMayBeLeftOut() throws IOException {
    ChangeLog log = ChangeLogJson.fromJson(GoldenFilesTest.json("records"));
    LogHeader descriptive =
        log.header().toBuilder()
            .clearChangeCount()
            .clearChunkCount()
            .clearChangesRawSize()
            .clearChangesStoredSize()
            .clearPackStoredSize()
            .clearChangesSha256()
            .clearPackSha256()
            .build();
    String json = ChangeLogJson.toJson(new ChangeLog(descriptive, log.changes(), log.chunks()));
    assertThat(json).doesNotContain("changesSha256").doesNotContain("changeCount");
    assertThat(ChangeLogWriter.encode(ChangeLogJson.fromJson(json)))
        .isEqualTo(GoldenFilesTest.binary("records"));
  }
}
