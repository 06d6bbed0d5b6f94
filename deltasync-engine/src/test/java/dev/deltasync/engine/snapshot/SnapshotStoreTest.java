package dev.deltasync.engine.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.deltasync.format.v1.FileBody;
import dev.deltasync.format.v1.Item;
import dev.deltasync.format.v1.ItemKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotStoreTest {
  @TempDir Path dir;

  static SnapshotEntry file(String id, String path, int size) {
    Item item =
        Item.newBuilder()
            .setId(id)
            .setKind(ItemKind.KIND_FILE)
            .setPath(path)
            .setFile(FileBody.newBuilder().setSize(size))
            .build();
    return new SnapshotEntry(
        item,
        ByteString.copyFromUtf8(id + size),
        path.toLowerCase(java.util.Locale.ROOT),
        new FileStat(size, 1000L * size, 77));
  }

  @Test
  void itemsAndCursorCommitTogetherAndSurviveReopening() throws IOException {
    Path db = dir.resolve("home/docs.db");
    try (SnapshotStore store = SnapshotStore.open(db)) {
      assertThat(store.cursor()).isZero();
      try (SnapshotStore.Batch batch = store.begin()) {
        batch.put(file("a", "Docs/A.txt", 10)).put(file("b", "b.txt", 20)).cursor(7).commit();
      }
    }
    try (SnapshotStore store = SnapshotStore.open(db)) {
      assertThat(store.cursor()).isEqualTo(7);
      assertThat(store.size()).isEqualTo(2);
      assertThat(store.byId("a")).contains(file("a", "Docs/A.txt", 10));
      assertThat(store.byPathKey("docs/a.txt").map(e -> e.item().getId())).contains("a");
      assertThat(store.byPathKey("nope")).isEmpty();
    }
  }

  @Test
  void aBatchClosedWithoutCommitChangesNothing() throws IOException {
    try (SnapshotStore store = SnapshotStore.open(dir.resolve("s.db"))) {
      try (SnapshotStore.Batch batch = store.begin()) {
        batch.put(file("a", "a", 1)).cursor(1).commit();
      }
      try (SnapshotStore.Batch batch = store.begin()) {
        batch.put(file("b", "b", 2)).remove("a").cursor(2);
      }
      assertThat(store.cursor()).isEqualTo(1);
      assertThat(store.byId("a")).isPresent();
      assertThat(store.byId("b")).isEmpty();
    }
  }

  @Test
  void forEachStreamsInPathOrder() throws IOException {
    try (SnapshotStore store = SnapshotStore.open(dir.resolve("s.db"))) {
      try (SnapshotStore.Batch batch = store.begin()) {
        for (int i = 0; i < 1000; i++) {
          batch.put(file("id" + i, String.format("dir/%04d", 999 - i), i));
        }
        batch.remove("id5").commit();
      }
      List<String> paths = new ArrayList<>();
      store.forEach(entry -> paths.add(entry.item().getPath()));
      assertThat(paths).hasSize(999).isSorted().doesNotContain("dir/0994");
    }
  }

  @Test
  void theSamePathKeyCannotBelongToTwoItems() throws IOException {
    try (SnapshotStore store = SnapshotStore.open(dir.resolve("s.db"))) {
      try (SnapshotStore.Batch batch = store.begin()) {
        batch.put(file("a", "README", 1));
        assertThatThrownBy(() -> batch.put(file("b", "readme", 1)))
            .isInstanceOf(SnapshotException.class)
            .hasMessageContaining("UNIQUE");
      }
    }
  }

  @Test
  void aVersion1SnapshotIsMigratedToVersion2WithItsItemsAndCursor() throws Exception {
    Path db = dir.resolve("old.db");
    try (SnapshotStore store = SnapshotStore.open(db);
        SnapshotStore.Batch batch = store.begin()) {
      batch.put(file("a", "a.txt", 10)).cursor(5).commit();
    }
    // What a build with schema 1 left: no journal table, user_version 1.
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement statement = connection.createStatement()) {
      statement.execute("DROP TABLE applied");
      statement.execute("PRAGMA user_version = 1");
    }
    try (SnapshotStore store = SnapshotStore.open(db)) {
      assertThat(store.cursor()).isEqualTo(5);
      assertThat(store.byId("a")).contains(file("a", "a.txt", 10));
      assertThat(store.applied().isEmpty()).isTrue();
    }
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement statement = connection.createStatement();
        var version = statement.executeQuery("PRAGMA user_version")) {
      assertThat(version.getInt(1)).isEqualTo(2);
    }
  }

  @Test
  void aNewerSchemaIsRefusedWithAnUpgradeHint() throws Exception {
    Path db = dir.resolve("s.db");
    SnapshotStore.open(db).close();
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA user_version = 99");
    }
    assertThatThrownBy(() -> SnapshotStore.open(db))
        .isInstanceOf(SnapshotException.class)
        .hasMessageContaining(
            "snapshot schema version 99, newer than this deltasync understands (2): upgrade deltasync");
  }

  @Test
  void aFileThatIsNotADatabaseIsRefusedAndLeftAlone() throws IOException {
    Path db = dir.resolve("s.db");
    Files.writeString(db, "this is not sqlite, but somebody's notes\n".repeat(100));
    byte[] before = Files.readAllBytes(db);
    assertThatThrownBy(() -> SnapshotStore.open(db))
        .isInstanceOf(SnapshotException.class)
        .hasMessageContaining("is not a usable deltasync snapshot database")
        .hasMessageContaining("move it away");
    assertThat(Files.readAllBytes(db)).isEqualTo(before);
  }

  @Test
  void scratchWrittenInAFailedTransactionIsRolledBack() throws IOException {
    try (SnapshotStore store = SnapshotStore.open(dir.resolve("s.db"));
        Scratch scratch = store.openScratch()) {
      store.inTransaction(
          () -> scratch.pending().put("a", null, file("a", "a", 1), 3, new byte[0]));
      assertThatThrownBy(() ->
              store.inTransaction(() -> {
                scratch.pending().put("b", null, file("b", "b", 2), 3, new byte[0]);
                throw new IOException("the store went away");
              }))
          .hasMessage("the store went away");

      assertThat(scratch.pending().size()).isEqualTo(1);
      assertThat(scratch.pending().atPathKey("a")).isNotNull();
      assertThat(scratch.pending().atPathKey("b")).isNull();
    }
  }

  @Test
  void theWorkingStateIsAppliedToTheItems() throws IOException {
    try (SnapshotStore store = SnapshotStore.open(dir.resolve("s.db"));
        Scratch scratch = store.openScratch()) {
      try (SnapshotStore.Batch batch = store.begin()) {
        batch.put(file("a", "a", 1)).put(file("b", "b", 2)).commit();
      }
      store.inTransaction(() -> {
        scratch.working().put("a", null); // removed
        scratch.working().put("b", file("b", "a", 3)); // took a's path
        scratch.working().put("c", file("c", "c", 4)); // new
      });

      try (SnapshotStore.Batch batch = store.begin()) {
        batch.apply(scratch.working()).cursor(9).commit();
      }

      assertThat(store.byId("a")).isEmpty();
      assertThat(store.byPathKey("a")).contains(file("b", "a", 3));
      assertThat(store.byId("c")).contains(file("c", "c", 4));
      assertThat(store.size()).isEqualTo(2);
      assertThat(store.cursor()).isEqualTo(9);
    }
  }

  @Test
  void theScratchDatabaseStartsEmptyAndIsDeletedWhenClosed() throws IOException {
    Path db = dir.resolve("s.db");
    Path file = dir.resolve("s.db-scratch");
    try (SnapshotStore store = SnapshotStore.open(db)) {
      Scratch first = store.openScratch();
      store.inTransaction(() -> first.pending().put("a", null, file("a", "a", 1), 3, new byte[0]));
      assertThat(file).exists();
      assertThatThrownBy(store::openScratch).isInstanceOf(IllegalStateException.class);
      first.close();
      assertThat(file).doesNotExist();
      assertThatThrownBy(store::scratch).isInstanceOf(IllegalStateException.class);

      Files.writeString(file, "left by a crashed sync");
      try (Scratch second = store.openScratch()) {
        assertThat(second.pending().size()).isZero();
      }
      assertThat(file).doesNotExist();
    }
  }

  @Test
  void migrationScriptsSplitIntoStatements() {
    assertThat(SchemaMigrations.statements("-- c\nCREATE TABLE a (x);\nCREATE INDEX i ON a (x);\n"))
        .containsExactly("CREATE TABLE a (x)", "CREATE INDEX i ON a (x)");
  }
}
