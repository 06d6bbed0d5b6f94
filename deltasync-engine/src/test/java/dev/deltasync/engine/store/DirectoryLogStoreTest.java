package dev.deltasync.engine.store;

import static dev.deltasync.engine.store.TestLogs.USER;
import static dev.deltasync.engine.store.TestLogs.id;
import static dev.deltasync.engine.store.TestLogs.log;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deltasync.format.ChangeLogFormatException;
import dev.deltasync.format.ChangeLogReader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SeededRandom.class)
class DirectoryLogStoreTest {
  @TempDir Path root;

  private DirectoryLogStore open() throws IOException {
    return DirectoryLogStore.open(root, USER);
  }

  private Path collectionDir(String encoded) {
    return root.resolve("users/alice/collections").resolve(encoded);
  }

  @Test
  void appendsGetSequencesOneToNWithoutGaps() throws IOException {
    try (DirectoryLogStore store = open()) {
      assertThat(store.head("docs")).isZero();
      for (int i = 1; i <= 25; i++) {
        assertThat(store.append("docs", i - 1, log("docs", id(1, i))))
            .isEqualTo(new AppendResult.Appended(i, false));
        assertThat(store.head("docs")).isEqualTo(i);
      }
      assertThat(store.list("docs", 0, 100))
          .extracting(LogEntry::sequence)
          .containsExactlyElementsOf(range(1, 25));
    }
  }

  @Test
  void appendAtAStaleHeadReportsTheActualHeadAndWritesNothing() throws IOException {
    try (DirectoryLogStore store = open()) {
      store.append("docs", 0, log("docs", id(1, 1)));
      store.append("docs", 1, log("docs", id(1, 2)));
      assertThat(store.append("docs", 1, log("docs", id(2, 1))))
          .isEqualTo(new AppendResult.HeadMoved(2));
      assertThat(store.append("docs", 5, log("docs", id(2, 1))))
          .isEqualTo(new AppendResult.HeadMoved(2));
      assertThat(store.head("docs")).isEqualTo(2);
      assertThat(store.append("docs", 2, log("docs", id(2, 1))))
          .isEqualTo(new AppendResult.Appended(3, false));
    }
  }

  @Test
  void aRetriedAppendReturnsTheOriginalSequenceWhateverTheExpectedHead() throws IOException {
    byte[] first = log("docs", id(1, 1));
    try (DirectoryLogStore store = open()) {
      store.append("docs", 0, first);
      store.append("docs", 1, log("docs", id(1, 2)));
      assertThat(store.append("docs", 0, first)).isEqualTo(new AppendResult.Appended(1, true));
      assertThat(store.append("docs", 2, first)).isEqualTo(new AppendResult.Appended(1, true));
      assertThat(store.head("docs")).isEqualTo(2);
    }
    try (DirectoryLogStore other = open()) {
      assertThat(other.append("docs", 7, log("docs", id(1, 2))))
          .isEqualTo(new AppendResult.Appended(2, true));
    }
  }

  @Test
  void readReturnsExactlyTheAppendedBytes(Random random) throws IOException {
    List<byte[]> logs = new ArrayList<>();
    try (DirectoryLogStore store = open()) {
      for (int i = 1; i <= 5; i++) {
        byte[] log = TestLogs.logWithContent("docs", id(1, i), random);
        logs.add(log);
        store.append("docs", i - 1, log);
      }
    }
    try (DirectoryLogStore store = open()) {
      for (int i = 1; i <= 5; i++) {
        assertThat(store.read("docs", i)).isEqualTo(logs.get(i - 1));
      }
      List<LogEntry> entries = store.list("docs", 0, 10);
      assertThat(entries).hasSize(5);
      LogEntry third = entries.get(2);
      assertThat(third.logId()).isEqualTo(id(1, 3));
      assertThat(third.size()).isEqualTo(logs.get(2).length);
      assertThat(third.originDevice()).startsWith("phone-");
      assertThat(third.createdMillis()).isEqualTo(1_795_000_000_000L);
    }
  }

  @Test
  void listStartsAfterTheCursorAndStopsAtMax() throws IOException {
    try (DirectoryLogStore store = open()) {
      for (int i = 1; i <= 10; i++) {
        store.append("docs", i - 1, log("docs", id(1, i)));
      }
      assertThat(store.list("docs", 3, 4))
          .extracting(LogEntry::sequence)
          .containsExactly(4L, 5L, 6L, 7L);
      assertThat(store.list("docs", 8, 100))
          .extracting(LogEntry::sequence)
          .containsExactly(9L, 10L);
      assertThat(store.list("docs", 10, 100)).isEmpty();
      assertThat(store.list("docs", 99, 100)).isEmpty();
      assertThat(store.list("docs", 0, 0)).isEmpty();
      assertThat(store.list("nothing-here", 0, 10)).isEmpty();
      assertThatThrownBy(() -> store.list("docs", -1, 10))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void readingASequenceThatIsNotThereIsNotFound() throws IOException {
    try (DirectoryLogStore store = open()) {
      store.append("docs", 0, log("docs", id(1, 1)));
      for (long sequence : new long[] {0, 2, -1, Long.MAX_VALUE}) {
        assertThatThrownBy(() -> store.read("docs", sequence))
            .isInstanceOf(StoreException.NotFound.class)
            .hasMessageContaining("has no log " + sequence);
      }
      assertThatThrownBy(() -> store.read("unknown", 1))
          .isInstanceOf(StoreException.NotFound.class);
    }
  }

  @Test
  void anUnknownCollectionHasNoLogsAndReadingItCreatesNothing() throws IOException {
    try (DirectoryLogStore store = open()) {
      assertThat(store.head("never")).isZero();
      assertThat(store.list("never", 0, 10)).isEmpty();
    }
    assertThat(root.resolve("users/alice/collections")).isEmptyDirectory();
  }

  @Test
  void aLogForAnotherUserIsRejected() throws IOException {
    try (DirectoryLogStore store = open()) {
      assertThatThrownBy(() -> store.append("docs", 0, log("bob", "docs", id(1, 1))))
          .isInstanceOf(StoreException.Rejected.class)
          .hasMessageContaining("for user \"bob\"");
      assertThat(store.head("docs")).isZero();
    }
  }

  @Test
  void aLogForAnotherCollectionIsRejected() throws IOException {
    try (DirectoryLogStore store = open()) {
      assertThatThrownBy(() -> store.append("docs", 0, log("photos", id(1, 1))))
          .isInstanceOf(StoreException.Rejected.class)
          .hasMessageContaining("for collection \"photos\", not \"docs\"");
    }
  }

  @Test
  void garbageIsRejectedWithTheFormatModulesMessage(Random random) throws IOException {
    byte[] garbage = new byte[1 + random.nextInt(200)];
    random.nextBytes(garbage);
    garbage[0] = 0x00; // never the magic's first byte
    try (DirectoryLogStore store = open()) {
      assertThatThrownBy(() -> store.append("docs", 0, garbage))
          .isInstanceOf(StoreException.Rejected.class)
          .hasMessageContaining("not a deltasync change log")
          .hasCauseInstanceOf(ChangeLogFormatException.class);
      assertThatThrownBy(() -> store.append("docs", 0, new byte[0]))
          .isInstanceOf(StoreException.Rejected.class);
      assertThat(store.head("docs")).isZero();
    }
  }

  @Test
  void aNewerFormatVersionATruncatedLogAndTrailingBytesAreRejected() throws IOException {
    byte[] log = log("docs", id(1, 1));
    byte[] newer = log.clone();
    newer[9] = 2; // format version 2
    byte[] truncated = Arrays.copyOf(log, log.length - 1);
    byte[] longer = Arrays.copyOf(log, log.length + 3);
    try (DirectoryLogStore store = open()) {
      assertThatThrownBy(() -> store.append("docs", 0, newer))
          .isInstanceOf(StoreException.Rejected.class)
          .hasMessageContaining("format version 2");
      // an empty log ends with its header: cutting a byte breaks the header checksum
      assertThatThrownBy(() -> store.append("docs", 0, truncated))
          .isInstanceOf(StoreException.Rejected.class);
      assertThatThrownBy(() -> store.append("docs", 0, longer))
          .isInstanceOf(StoreException.Rejected.class)
          .hasMessageContaining("has " + longer.length + " bytes but its header declares");
    }
  }

  @Test
  void aTruncatedBodyIsRejectedByLength(Random random) throws IOException {
    byte[] log = TestLogs.logWithContent("docs", id(1, 1), random);
    try (DirectoryLogStore store = open()) {
      assertThatThrownBy(() -> store.append("docs", 0, Arrays.copyOf(log, log.length - 1)))
          .isInstanceOf(StoreException.Rejected.class)
          .hasMessageContaining("truncated");
    }
  }

  @Test
  void badArgumentsFailFast() throws IOException {
    try (DirectoryLogStore store = open()) {
      byte[] log = log("docs", id(1, 1));
      assertThatThrownBy(() -> store.append("docs", -1, log))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> store.head(""))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("collection name is empty");
      assertThatThrownBy(() -> store.head("a\nb"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("U+000A");
      assertThatThrownBy(() -> store.head("x\uD800"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("lone surrogate");
    }
  }

  @Test
  void aClosedStoreRefusesCalls() throws IOException {
    DirectoryLogStore store = open();
    store.close();
    assertThatThrownBy(() -> store.head("docs"))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("closed");
  }

  // ---- damage and crashes ----

  @Test
  void aDamagedHeaderOrLengthIsCorruptOnReadAndList() throws IOException {
    try (DirectoryLogStore store = open()) {
      store.append("docs", 0, log("docs", id(1, 1)));
      store.append("docs", 1, log("docs", id(1, 2)));
      Path first = collectionDir("docs").resolve("logs/0/1.dslog");
      Path second = collectionDir("docs").resolve("logs/0/2.dslog");
      flipByte(first, 20); // inside the header
      assertThatThrownBy(() -> store.read("docs", 1))
          .isInstanceOf(StoreException.Corrupt.class)
          .hasMessageContaining("log 1 of collection \"docs\"")
          .hasMessageContaining("checksum");
      assertThatThrownBy(() -> store.list("docs", 0, 10))
          .isInstanceOf(StoreException.Corrupt.class);
      Files.write(second, new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
      assertThatThrownBy(() -> store.read("docs", 2))
          .isInstanceOf(StoreException.Corrupt.class)
          .hasMessageContaining("bytes");
    }
  }

  @Test
  void aDamagedBodyIsLeftToTheEnginesDecoder(Random random) throws IOException {
    byte[] log = TestLogs.logWithContent("docs", id(1, 1), random);
    try (DirectoryLogStore store = open()) {
      store.append("docs", 0, log);
      flipByte(collectionDir("docs").resolve("logs/0/1.dslog"), log.length - 1);
      byte[] read = store.read("docs", 1);
      assertThat(read).hasSameSizeAs(log).isNotEqualTo(log);
      assertThatThrownBy(() -> ChangeLogReader.decode(read))
          .isInstanceOf(ChangeLogFormatException.class);
    }
  }

  @Test
  void leftoverTemporaryFilesAreIgnoredAndThenDeleted() throws IOException {
    try (DirectoryLogStore store = open()) {
      store.append("docs", 0, log("docs", id(1, 1)));
      store.append("docs", 1, log("docs", id(1, 2)));
    }
    Path shard = collectionDir("docs").resolve("logs/0");
    // what a crash while writing log 3 leaves, and an older leftover
    Files.write(shard.resolve("3.dslog.tmp"), Arrays.copyOf(log("docs", id(1, 3)), 20));
    Files.write(shard.resolve("9.dslog.tmp"), new byte[] {1, 2, 3});
    try (DirectoryLogStore store = open()) {
      assertThat(store.head("docs")).isEqualTo(2);
      assertThat(store.list("docs", 0, 10)).hasSize(2);
      assertThatThrownBy(() -> store.read("docs", 3)).isInstanceOf(StoreException.NotFound.class);
      assertThat(store.append("docs", 2, log("docs", id(1, 3))))
          .isEqualTo(new AppendResult.Appended(3, false));
      assertThat(store.read("docs", 3)).isEqualTo(log("docs", id(1, 3)));
    }
    try (var names = Files.list(shard)) {
      assertThat(names.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("1.dslog", "2.dslog", "3.dslog");
    }
  }

  @Test
  void aLogRenamedButNotIndexedIsInvisibleUntilTheNextAppendCommitsIt() throws IOException {
    byte[] third = log("docs", id(1, 3));
    try (DirectoryLogStore store = open()) {
      store.append("docs", 0, log("docs", id(1, 1)));
      store.append("docs", 1, log("docs", id(1, 2)));
    }
    // a crash after the rename of log 3, before its index record
    Files.write(collectionDir("docs").resolve("logs/0/3.dslog"), third);
    try (DirectoryLogStore store = open()) {
      assertThat(store.head("docs")).isEqualTo(2);
      assertThatThrownBy(() -> store.read("docs", 3)).isInstanceOf(StoreException.NotFound.class);
      // the crashed writer retries: its log is found by id
      assertThat(store.append("docs", 2, third)).isEqualTo(new AppendResult.Appended(3, true));
      assertThat(store.head("docs")).isEqualTo(3);
      assertThat(store.read("docs", 3)).isEqualTo(third);
    }
  }

  @Test
  void anOrphanIsCommittedBeforeAnotherWritersAppend() throws IOException {
    try (DirectoryLogStore store = open()) {
      store.append("docs", 0, log("docs", id(1, 1)));
    }
    Files.write(collectionDir("docs").resolve("logs/0/2.dslog"), log("docs", id(1, 2)));
    try (DirectoryLogStore store = open()) {
      assertThat(store.append("docs", 1, log("docs", id(2, 1))))
          .isEqualTo(new AppendResult.HeadMoved(2));
      assertThat(store.list("docs", 0, 10))
          .extracting(LogEntry::logId)
          .containsExactly(id(1, 1), id(1, 2));
    }
  }

  @Test
  void aDamagedOrphanIsMovedAsideAndItsSequenceReused() throws IOException {
    try (DirectoryLogStore store = open()) {
      store.append("docs", 0, log("docs", id(1, 1)));
    }
    Path shard = collectionDir("docs").resolve("logs/0");
    Files.write(shard.resolve("2.dslog"), new byte[] {9, 9, 9});
    try (DirectoryLogStore store = open()) {
      assertThat(store.append("docs", 1, log("docs", id(1, 2))))
          .isEqualTo(new AppendResult.Appended(2, false));
      assertThat(store.read("docs", 2)).isEqualTo(log("docs", id(1, 2)));
    }
    assertThat(shard.resolve("2.dslog.damaged")).hasBinaryContent(new byte[] {9, 9, 9});
  }

  @Test
  void anOrphanRepeatingACommittedLogIdIsMovedAside() throws IOException {
    byte[] first = log("docs", id(1, 1));
    try (DirectoryLogStore store = open()) {
      store.append("docs", 0, first);
    }
    Path shard = collectionDir("docs").resolve("logs/0");
    Files.write(shard.resolve("2.dslog"), first);
    try (DirectoryLogStore store = open()) {
      assertThat(store.append("docs", 1, log("docs", id(1, 2))))
          .isEqualTo(new AppendResult.Appended(2, false));
    }
    assertThat(shard.resolve("2.dslog.damaged")).hasBinaryContent(first);
  }

  @Test
  void aTornIndexTailIsIgnoredByReadersAndCutByTheNextWriter() throws IOException {
    try (DirectoryLogStore store = open()) {
      for (int i = 1; i <= 3; i++) {
        store.append("docs", i - 1, log("docs", id(1, i)));
      }
    }
    Path index = collectionDir("docs").resolve("log-index");
    Files.write(
        index, new byte[] {0, 0, 0, 0, 0, 0, 0, 4, 1, 2}, java.nio.file.StandardOpenOption.APPEND);
    try (DirectoryLogStore store = open()) {
      assertThat(store.head("docs")).isEqualTo(3);
      assertThat(store.append("docs", 3, log("docs", id(1, 4))))
          .isEqualTo(new AppendResult.Appended(4, false));
    }
    assertThat(Files.size(index)).isEqualTo(LogIndexFile.offsetOf(5));
    try (DirectoryLogStore store = open()) {
      assertThat(store.head("docs")).isEqualTo(4);
    }
  }

  @Test
  void aLostIndexIsRebuiltFromTheLogFilesByTheNextWriter() throws IOException {
    try (DirectoryLogStore store = open()) {
      for (int i = 1; i <= 3; i++) {
        store.append("docs", i - 1, log("docs", id(1, i)));
      }
    }
    Path index = collectionDir("docs").resolve("log-index");
    byte[] before = Files.readAllBytes(index);
    Files.delete(index);
    try (DirectoryLogStore store = open()) {
      assertThat(store.head("docs")).isZero(); // unknown until a writer rebuilds it
      assertThat(store.append("docs", 0, log("docs", id(1, 2))))
          .isEqualTo(new AppendResult.Appended(2, true));
      assertThat(store.head("docs")).isEqualTo(3);
    }
    assertThat(index).hasBinaryContent(before);
  }

  @Test
  void aDamagedIndexHeaderIsCorruptForReadersAndRebuiltByTheNextWriter() throws IOException {
    try (DirectoryLogStore store = open()) {
      store.append("docs", 0, log("docs", id(1, 1)));
      store.append("docs", 1, log("docs", id(1, 2)));
    }
    Path index = collectionDir("docs").resolve("log-index");
    flipByte(index, 1);
    try (DirectoryLogStore store = open()) {
      assertThatThrownBy(() -> store.head("docs"))
          .isInstanceOf(StoreException.Corrupt.class)
          .hasMessageContaining("rebuilds it");
      assertThat(store.append("docs", 2, log("docs", id(1, 3))))
          .isEqualTo(new AppendResult.Appended(3, false));
    }
    try (DirectoryLogStore store = open()) {
      assertThat(store.head("docs")).isEqualTo(3);
    }
  }

  @Test
  void aDamagedIndexRecordInTheMiddleIsRepairedFromTheLogFiles() throws IOException {
    try (DirectoryLogStore store = open()) {
      for (int i = 1; i <= 4; i++) {
        store.append("docs", i - 1, log("docs", id(1, i)));
      }
    }
    Path index = collectionDir("docs").resolve("log-index");
    byte[] before = Files.readAllBytes(index);
    flipByte(index, (int) LogIndexFile.offsetOf(2) + 10);
    try (DirectoryLogStore store = open()) {
      assertThat(store.head("docs")).isEqualTo(1); // readers stop at the damage
      assertThat(store.append("docs", 1, log("docs", id(1, 3))))
          .isEqualTo(new AppendResult.Appended(3, true));
      assertThat(store.head("docs")).isEqualTo(4);
    }
    assertThat(index).hasBinaryContent(before);
  }

  @Test
  void logsSpreadOverDirectoriesOfAThousand() throws IOException {
    try (DirectoryLogStore store = open()) {
      CollectionLog log = new CollectionLog(USER, "docs", root.resolve("users/alice"));
      assertThat(root.relativize(log.logFile(999)).toString().replace('\\', '/'))
          .isEqualTo("users/alice/collections/docs/logs/0/999.dslog");
      assertThat(root.relativize(log.logFile(1000)).toString().replace('\\', '/'))
          .isEqualTo("users/alice/collections/docs/logs/1/1000.dslog");
      store.append("docs", 0, log("docs", id(1, 1)));
      assertThat(collectionDir("docs").resolve("logs/0/1.dslog")).exists();
      assertThat(collectionDir("docs").resolve("name")).hasContent("docs");
    }
  }

  static void flipByte(Path file, long position) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(position);
      int b = raf.read();
      raf.seek(position);
      raf.write(b ^ 0x40);
    }
  }

  static List<Long> range(long from, long to) {
    List<Long> all = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      all.add(i);
    }
    return all;
  }
}
