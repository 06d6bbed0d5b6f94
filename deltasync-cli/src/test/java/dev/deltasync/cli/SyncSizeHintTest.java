package dev.deltasync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deltasync.engine.SyncResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncSizeHintTest {
  @TempDir Path dir;

  private static SyncCollectionsOperation.Result result(int sent, int applied, long bytesDown) {
    return new SyncCollectionsOperation.Result(
        Map.of(
            "docs", new SyncResult(sent, 0, 0, List.of(), 10, 0, 1, List.of()),
            "photos", new SyncResult(0, applied, 0, List.of(), 0, bytesDown, 1, List.of())));
  }

  private String hint() throws IOException {
    return Files.readString(dir.resolve(SyncSizeHint.FILE));
  }

  @Test
  void aSyncOfFewChangesAndBytesIsSmallAndMoreIsLarge() throws IOException {
    Home home = new Home(dir);
    SyncSizeHint.record(home, result(400, 600, SyncSizeHint.MOST_BYTES - 10));
    assertThat(hint()).isEqualTo("small\n");
    SyncSizeHint.record(home, result(400, 601, 0));
    assertThat(hint()).as("one change more").isEqualTo("large\n");
    SyncSizeHint.record(home, result(0, 0, 0));
    assertThat(hint()).isEqualTo("small\n");
    SyncSizeHint.record(home, result(1, 0, SyncSizeHint.MOST_BYTES - 9));
    assertThat(hint()).as("one byte more").isEqualTo("large\n");
    assertThat(dir).isDirectoryNotContaining("glob:**.tmp");
  }

  @Test
  void aFailedSyncRemovesTheHint() throws IOException {
    Home home = new Home(dir);
    SyncSizeHint.record(home, result(0, 0, 0));
    SyncSizeHint.record(home, null);
    assertThat(dir.resolve(SyncSizeHint.FILE)).doesNotExist();
    SyncSizeHint.record(home, null); // nothing to remove
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void aHomeThatCannotBeWrittenIsNoError() {
    SyncSizeHint.record(new Home(dir.resolve("missing")), result(0, 0, 0));
    assertThat(dir.resolve("missing")).doesNotExist();
  }
}
