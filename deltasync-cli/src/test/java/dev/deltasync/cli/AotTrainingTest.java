package dev.deltasync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deltasync.engine.SyncResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AotTrainingTest {
  @TempDir Path dir;

  private static SyncCollectionsOperation.Result result(int sent, int applied) {
    return new SyncCollectionsOperation.Result(
        Map.of(
            "docs", new SyncResult(sent, 0, 0, List.of(), 0, 0, 1, List.of()),
            "photos", new SyncResult(0, applied, 0, List.of(), 0, 0, 1, List.of())));
  }

  @Test
  void aShortSyncMarksTheRecordFit() {
    String record = dir.resolve("deltasync.aot.record.1").toString();
    AotTraining.judge(result(400, 600), record);
    assertThat(Path.of(record + ".fit")).exists();
  }

  @Test
  void aSyncThatMovedManyChangesDoesNot() {
    String record = dir.resolve("deltasync.aot.record.2").toString();
    AotTraining.judge(result(400, 601), record);
    assertThat(Path.of(record + ".fit")).doesNotExist();
  }

  @Test
  void withoutARecordNothingIsWritten() {
    AotTraining.judge(result(0, 0), null);
    AotTraining.judge(result(0, 0), " ");
    assertThat(dir).isEmptyDirectory();
  }
}
