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
  void anItemCommittedToASnapshotOpenedEmptyIsFoundWithoutReopening() throws IOException {
    try (SnapshotStore store = SnapshotStore.open(dir.resolve("s.db"))) {
      assertThat(store.byId("a")).isEmpty(); // answered without a query: no items at open
      try (SnapshotStore.Batch batch = store.begin()) {
        batch.put(file("a", "Docs/A.txt", 10)).commit();
      }
      assertThat(store.byId("a")).contains(file("a", "Docs/A.txt", 10));
      assertThat(store.byPathKey("docs/a.txt").map(e -> e.item().getId())).contains("a");
    }
  }

  @Test
  void scratchTablesFindWhatWasPutAndNothingElse() throws IOException {
    try (SnapshotStore store = SnapshotStore.open(dir.resolve("s.db"));
        Scratch scratch = store.openScratch()) {
      store.inTransaction(() -> {
        assertThat(scratch.pending().get("a")).isNull();
        assertThat(scratch.pending().atPathKey("a")).isNull();
        assertThat(scratch.working().get("a")).isNull();
        assertThat(scratch.working().holder("a")).isNull();
        for (int i = 0; i < 1000; i++) {
          scratch.pending().put("p" + i, null, file("p" + i, "pending/" + i, i), 3, new byte[0]);
          scratch.working().put("w" + i, file("w" + i, "working/" + i, i));
          scratch.working().hold("working/" + i, "w" + i);
        }
        scratch.working().put("gone", null);
        scratch.working().hold("freed", null);
        scratch.pending().remove("p7");
      });
      for (int i = 0; i < 1000; i++) {
        assertThat(scratch.working().get("w" + i)).isNotNull();
        assertThat(scratch.working().holder("working/" + i)).isNotNull();
        assertThat(scratch.working().get("p" + i)).isNull();
        assertThat(scratch.working().holder("pending/" + i)).isNull();
        if (i != 7) {
          assertThat(scratch.pending().get("p" + i)).isNotNull();
          assertThat(scratch.pending().atPathKey("pending/" + i)).isNotNull();
        }
        assertThat(scratch.pending().get("w" + i)).isNull();
        assertThat(scratch.pending().atPathKey("working/" + i)).isNull();
      }
      assertThat(scratch.pending().get("p7")).isNull();
      assertThat(scratch.pending().atPathKey("pending/7")).isNull();
      assertThat(scratch.working().get("gone")).isEqualTo(new WorkingTable.Changed(null));
      assertThat(scratch.working().holder("freed")).isEqualTo(new WorkingTable.Holder(null));
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
  void aVersion1SnapshotIsMigratedToTheCurrentVersionWithItsItemsAndCursor() throws Exception {
    Path db = dir.resolve("old.db");
    try (SnapshotStore store = SnapshotStore.open(db);
        SnapshotStore.Batch batch = store.begin()) {
      batch.put(file("a", "a.txt", 10)).cursor(5).commit();
    }
    // What a build with schema 1 left: no journal table, no file_mode column, user_version 1.
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement statement = connection.createStatement()) {
      statement.execute("DROP TABLE applied");
      statement.execute("ALTER TABLE items DROP COLUMN file_mode");
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
      assertThat(version.getInt(1)).isEqualTo(SchemaMigrations.CURRENT_VERSION);
    }
  }

  @Test
  void theMigrationToVersion3CopiesTheModeOfEveryFileItemIntoItsColumn() throws Exception {
    Path db = dir.resolve("v2.db");
    SnapshotEntry script = withMode(file("s", "run.sh", 10), 0755);
    SnapshotEntry text = withMode(file("t", "a.txt", 20), 0644);
    Item folder =
        Item.newBuilder().setId("d").setKind(ItemKind.KIND_DIRECTORY).setPath("docs").build();
    try (SnapshotStore store = SnapshotStore.open(db);
        SnapshotStore.Batch batch = store.begin()) {
      batch.put(script).put(text);
      // More files than one page of the migration (1,000 items).
      for (int i = 0; i < 2_500; i++) {
        batch.put(withMode(file("f" + i, "many/" + i, i + 1), i % 2 == 0 ? 0600 : 0700));
      }
      batch
          .put(new SnapshotEntry(folder, ByteString.copyFromUtf8("d"), "docs", null))
          .cursor(3)
          .commit();
    }
    // What a build with schema 2 left: no file_mode column.
    backToVersion2(db);
    try (SnapshotStore store = SnapshotStore.open(db)) {
      assertThat(store.cursor()).isEqualTo(3);
      StatIndex index = store.statIndex();
      assertThat(index.size()).isEqualTo(2_502);
      assertThat(index.unchangedId("run.sh", "run.sh", statOf(10), true)).isEqualTo(Hash64.of("s"));
      assertThat(index.unchangedId("a.txt", "a.txt", statOf(20), false)).isEqualTo(Hash64.of("t"));
      assertThat(index.unchangedId("many/2001", "many/2001", statOf(2002), true))
          .isEqualTo(Hash64.of("f2001"));
      assertThat(index.unchangedId("many/2000", "many/2000", statOf(2001), true))
          .isZero(); // 0600: not executable
    }
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement statement = connection.createStatement();
        var modes =
            statement.executeQuery(
                "SELECT item_id, file_mode FROM items WHERE item_id IN ('s', 't', 'd')"
                    + " ORDER BY item_id")) {
      List<String> rows = new ArrayList<>();
      while (modes.next()) {
        rows.add(modes.getString(1) + "=" + modes.getObject(2));
      }
      assertThat(rows).containsExactly("d=null", "s=" + 0755, "t=" + 0644);
    }
  }

  @Test
  void theStatIndexMatchesOnlyTheSamePathStatAndExecutableBit() throws IOException {
    try (SnapshotStore store = SnapshotStore.open(dir.resolve("s.db"))) {
      SnapshotEntry readme = withMode(file("a", "Docs/README", 10), 0644);
      SnapshotEntry recent =
          new SnapshotEntry(
              file("b", "new.txt", 5).item(), ByteString.copyFromUtf8("b"), "new.txt", null);
      try (SnapshotStore.Batch batch = store.begin()) {
        batch.put(readme).put(recent).commit();
      }
      StatIndex index = store.statIndex();
      FileStat stat = statOf(10);
      assertThat(index.size())
          .isEqualTo(1); // a file without a stat (read too recently) is not in it
      assertThat(index.unchangedId("docs/readme", "Docs/README", stat, false))
          .isEqualTo(Hash64.of("a"));
      assertThat(index.unchangedId("docs/readme", "docs/README", stat, false))
          .as("renamed in case only")
          .isZero();
      assertThat(index.unchangedId("docs/readme", "Docs/README", stat, true))
          .as("chmod +x")
          .isZero();
      FileStat[] changed = {
        new FileStat(stat.size() + 1, stat.mtimeNanos(), stat.inode()),
        new FileStat(stat.size(), stat.mtimeNanos() + 1, stat.inode()),
        new FileStat(stat.size(), stat.mtimeNanos(), stat.inode() + 1)
      };
      for (FileStat other : changed) {
        assertThat(index.unchangedId("docs/readme", "Docs/README", other, false))
            .as("%s", other)
            .isZero();
      }
      assertThat(index.unchangedId("new.txt", "new.txt", new FileStat(5, 5000, 77), false))
          .isZero();
      assertThat(index.unchangedId("other", "other", stat, false)).isZero();
    }
  }

  @Test
  void anIndexReadAheadIsTakenWhenNothingWasCommittedSince() throws Exception {
    Path db = dir.resolve("ahead.db");
    commitOneFile(db, 10);
    StatIndexAhead ahead = StatIndexAhead.start(db);
    assertThat(ahead.await()).isNotNull();
    // Behind the store's back, the stamp put back: the item moves.
    changeKeepingTheStamp(db, "UPDATE items SET stat_size = 11");
    try (SnapshotStore store = SnapshotStore.open(db)) {
      store.useStatIndexAhead(ahead);
      assertThat(store.statIndex().unchangedId("a.txt", "a.txt", statOf(10), false))
          .as("the index read ahead")
          .isEqualTo(Hash64.of("a"));
      assertThat(store.statIndex().unchangedId("a.txt", "a.txt", statOf(10), false))
          .as("read again: it is taken once")
          .isZero();
    }
  }

  @Test
  void anIndexReadAheadOfAnOlderGenerationIsNotTaken() throws IOException {
    Path db = dir.resolve("ahead.db");
    commitOneFile(db, 10);
    StatIndexAhead ahead = StatIndexAhead.start(db);
    assertThat(ahead.await()).isNotNull();
    try (SnapshotStore store = SnapshotStore.open(db)) {
      try (SnapshotStore.Batch batch = store.begin()) {
        batch.put(withMode(file("a", "a.txt", 12), 0644)).commit();
      }
      store.useStatIndexAhead(ahead);
      assertKnowsOnlySize12(store.statIndex());
    }
  }

  @Test
  void anIndexReadAheadOfAnotherDatabaseAtTheSameCommitCountIsNotTaken() throws IOException {
    Path db = dir.resolve("ahead.db");
    Path other = dir.resolve("other.db");
    for (Path path : List.of(db, other)) {
      commitOneFile(path, path.equals(db) ? 10 : 12);
    }
    StatIndexAhead ahead = StatIndexAhead.start(db);
    assertThat(ahead.await()).isNotNull();
    Files.move(other, db, java.nio.file.StandardCopyOption.REPLACE_EXISTING); // one commit each
    try (SnapshotStore store = SnapshotStore.open(db)) {
      store.useStatIndexAhead(ahead);
      assertKnowsOnlySize12(store.statIndex());
    }
  }

  @Test
  void aCommitThatLeavesTheItemsSavesTheIndexForTheNextSync() throws Exception {
    Path db = oneFileWithItsIndexSaved();
    assertThat(StatIndex.savedBeside(db)).exists();
    // Behind the stores' backs, the stamp put back, the item changes in the table. What the next
    // store and a read-ahead give is then what was saved, not what the table says.
    changeKeepingTheStamp(db, "UPDATE items SET stat_size = 11");
    try (SnapshotStore store = SnapshotStore.open(db)) {
      assertThat(store.statIndex().unchangedId("a.txt", "a.txt", statOf(10), false))
          .as("the saved index")
          .isEqualTo(Hash64.of("a"));
    }
    StatIndexAhead.Read ahead =
        java.util.Objects.requireNonNull(StatIndexAhead.start(db).await(), "read ahead");
    assertThat(ahead.index().unchangedId("a.txt", "a.txt", statOf(10), false))
        .as("the saved index, read ahead")
        .isEqualTo(Hash64.of("a"));
  }

  @Test
  void aCommitThatChangesItemsDropsTheSavedIndex() throws Exception {
    Path db = oneFileWithItsIndexSaved();
    try (SnapshotStore store = SnapshotStore.open(db)) {
      store.statIndex();
      try (SnapshotStore.Batch batch = store.begin()) {
        batch.put(withMode(file("a", "a.txt", 12), 0644)).commit();
      }
      assertThat(StatIndex.savedBeside(db)).doesNotExist();
      assertKnowsOnlySize12(store.statIndex());
    }
  }

  @Test
  void aSavedIndexIsNotUsedAfterItemsChangedByAnyWriter() throws Exception {
    Path db = oneFileWithItsIndexSaved();
    // A hand edit, or a build that neither counts its commits nor knows the commit id: only the
    // database's triggers see it.
    execute(db, "UPDATE items SET stat_size = 12, stat_mtime = 12000");
    assertThat(StatIndex.savedBeside(db)).exists();
    assertIndexHasOnlyTheTablesState(db);
  }

  @Test
  void itemsChangedWhileTheTriggersWereGoneAreNotHiddenByASavedIndex() throws Exception {
    Path db = oneFileWithItsIndexSaved();
    // A database whose triggers are gone (dropped by hand; or never made, by a build before
    // them), changed meanwhile: nothing renewed the commit id.
    execute(
        db,
        "DROP TRIGGER items_changed_insert",
        "DROP TRIGGER items_changed_update",
        "DROP TRIGGER items_changed_delete",
        "UPDATE items SET stat_size = 12, stat_mtime = 12000");
    StatIndexAhead ahead = StatIndexAhead.start(db); // as a sync starts it: before the open
    try (SnapshotStore store = SnapshotStore.open(db)) {
      store.useStatIndexAhead(ahead);
      assertKnowsOnlySize12(store.statIndex());
    }
    // The open made them again: a change now is seen by them.
    commitTheCursorOnlyAfterReadingTheIndex(db);
    execute(db, "DELETE FROM items");
    try (SnapshotStore store = SnapshotStore.open(db)) {
      assertThat(store.statIndex().size()).as("the table's, not the saved index").isZero();
    }
  }

  @Test
  void aSavedIndexIsNotUsedAfterACommitOfAnOlderBuild() throws Exception {
    Path db = oneFileWithItsIndexSaved();
    // A build before the commit id counts its commits and leaves the saved index where it is.
    execute(
        db,
        "UPDATE items SET stat_size = 12, stat_mtime = 12000",
        "UPDATE meta SET value = value + 1 WHERE key = 'generation'");
    assertThat(StatIndex.savedBeside(db)).exists();
    assertIndexHasOnlyTheTablesState(db);
  }

  @Test
  void aDamagedOrShortSavedIndexIsNotUsed() throws Exception {
    Path db = oneFileWithItsIndexSaved();
    Path saved = StatIndex.savedBeside(db);
    byte[] whole = Files.readAllBytes(saved);
    changeKeepingTheStamp(db, "UPDATE items SET stat_size = 12, stat_mtime = 12000");
    byte[] flipped = whole.clone();
    flipped[whole.length - 10] ^= 1; // in the last entry
    Files.write(saved, flipped);
    assertIndexHasOnlyTheTablesState(db);
    Files.write(saved, java.util.Arrays.copyOf(whole, whole.length - 24)); // one entry short
    assertIndexHasOnlyTheTablesState(db);
    Files.write(saved, new byte[0]);
    assertIndexHasOnlyTheTablesState(db);
  }

  /** A snapshot "saved.db" holding "a.txt" of size 10 whose stat index is saved beside it. */
  private Path oneFileWithItsIndexSaved() throws IOException {
    Path db = dir.resolve("saved.db");
    commitOneFile(db, 10);
    commitTheCursorOnlyAfterReadingTheIndex(db);
    return db;
  }

  /**
   * Opens {@code db}, reads its stat index and commits a batch that changes no item (what a sync
   * that finds nothing changed commits): the index is saved for the new state.
   */
  private static void commitTheCursorOnlyAfterReadingTheIndex(Path db) throws IOException {
    try (SnapshotStore store = SnapshotStore.open(db)) {
      store.statIndex();
      try (SnapshotStore.Batch batch = store.begin()) {
        batch.cursor(store.cursor() + 1).commit();
      }
    }
  }

  /** The index of "a.txt", from a store and read ahead, matches the table's size 12, not 10. */
  private static void assertIndexHasOnlyTheTablesState(Path db) throws IOException {
    StatIndexAhead.Read ahead =
        java.util.Objects.requireNonNull(StatIndexAhead.start(db).await(), "read ahead");
    try (SnapshotStore store = SnapshotStore.open(db)) {
      assertKnowsOnlySize12(store.statIndex());
      assertKnowsOnlySize12(ahead.index());
    }
  }

  /** Runs {@code sql} on {@code db} and puts its stamp back as it was: a change no stamp shows. */
  private static void changeKeepingTheStamp(Path db, String sql) throws Exception {
    execute(
        db,
        "CREATE TEMP TABLE kept AS SELECT value FROM meta WHERE key = 'commit-id'",
        sql,
        "UPDATE meta SET value = (SELECT value FROM kept) WHERE key = 'commit-id'");
  }

  /** The index has "a.txt" (id "a") of size 12, not of size 10. */
  private static void assertKnowsOnlySize12(StatIndex index) {
    assertThat(index.unchangedId("a.txt", "a.txt", statOf(10), false)).isZero();
    assertThat(index.unchangedId("a.txt", "a.txt", statOf(12), false)).isEqualTo(Hash64.of("a"));
  }

  private static void execute(Path db, String... statements) throws Exception {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  @Test
  void aMigrationThatFailsLeavesTheSnapshotAtItsVersionToBeMigratedAgain() throws Exception {
    Path db = dir.resolve("v2.db");
    commitOneFile(db, 10);
    backToVersion2(db);
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement statement = connection.createStatement()) {
      statement.execute("UPDATE items SET item = x'ffffffff' WHERE item_id = 'a'"); // not an Item
    }
    assertThatThrownBy(() -> SnapshotStore.open(db)).isInstanceOf(SnapshotException.class);
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement statement = connection.createStatement()) {
      try (var version = statement.executeQuery("PRAGMA user_version")) {
        assertThat(version.getInt(1)).isEqualTo(2);
      }
      try (var columns =
          statement.executeQuery(
              "SELECT count(*) FROM pragma_table_info('items') WHERE name = 'file_mode'")) {
        assertThat(columns.getInt(1)).as("the new column was rolled back").isZero();
      }
      statement.execute("DELETE FROM items"); // what makes it fail, gone: it migrates now
    }
    try (SnapshotStore store = SnapshotStore.open(db)) {
      assertThat(store.size()).isZero();
    }
  }

  @Test
  void nothingIsReadAheadOfASnapshotThatIsNotThereOrNotMigratedYet() throws Exception {
    Path missing = dir.resolve("missing.db");
    assertThat(StatIndexAhead.start(missing).await()).isNull();
    assertThat(missing).doesNotExist();

    Path db = dir.resolve("v2.db");
    commitOneFile(db, 10);
    backToVersion2(db);
    StatIndexAhead ahead = StatIndexAhead.start(db);
    assertThat(ahead.await()).isNull();
    try (SnapshotStore store = SnapshotStore.open(db)) { // migrates
      store.useStatIndexAhead(ahead);
      assertThat(store.statIndex().unchangedId("a.txt", "a.txt", statOf(10), false))
          .isEqualTo(Hash64.of("a"));
    }
  }

  /**
   * Commits a snapshot at {@code db} holding one file, "a.txt" (id "a", mode 0644) of this size.
   */
  private static void commitOneFile(Path db, int size) throws IOException {
    try (SnapshotStore store = SnapshotStore.open(db);
        SnapshotStore.Batch batch = store.begin()) {
      batch.put(withMode(file("a", "a.txt", size), 0644)).commit();
    }
  }

  /** Makes the database at {@code db} what a build with snapshot schema 2 left: no file_mode. */
  private static void backToVersion2(Path db) throws Exception {
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement statement = connection.createStatement()) {
      statement.execute("ALTER TABLE items DROP COLUMN file_mode");
      statement.execute("PRAGMA user_version = 2");
    }
  }

  /** The stat {@link #file} gives a file of this size. */
  private static FileStat statOf(int size) {
    return new FileStat(size, 1000L * size, 77);
  }

  private static SnapshotEntry withMode(SnapshotEntry entry, int mode) {
    Item item =
        entry.item().toBuilder().setFile(entry.item().getFile().toBuilder().setMode(mode)).build();
    return new SnapshotEntry(item, entry.version(), entry.pathKey(), entry.stat());
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
            "snapshot schema version 99, newer than this deltasync understands ("
                + SchemaMigrations.CURRENT_VERSION
                + "): upgrade deltasync");
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
