package dev.deltasync.sources.folder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60) // a reader that stalls fails the test instead of hanging the build
class DirectoryReaderTest {
  @TempDir Path root;

  @Test
  void aListingReadAheadIsWhatTheWalkGets() throws Exception {
    Path dir = Files.createDirectories(root.resolve("docs"));
    Path file = Files.writeString(dir.resolve("notes.txt"), "a");
    try (DirectoryReader reader = new DirectoryReader(PosixFileAttributes.class)) {
      reader.expect(dir);
      awaitReadAhead(reader, dir);
      Files.writeString(file, "changed in place"); // the directory itself does not change
      List<DirectoryReader.Entry> entries = Objects.requireNonNull(reader.take(dir));
      assertThat(Objects.requireNonNull(entries.get(0).attributes()).size())
          .as("the size when it was read ahead")
          .isEqualTo(1);
    }
  }

  @Test
  void aDirectoryChangedAfterItWasReadAheadIsReadAgain() throws Exception {
    Path dir = Files.createDirectories(root.resolve("docs"));
    Files.writeString(dir.resolve("a.txt"), "a");
    Path elsewhere = Files.writeString(root.resolve("moved.txt"), "moved in meanwhile");
    try (DirectoryReader reader = new DirectoryReader(PosixFileAttributes.class)) {
      reader.expect(dir);
      awaitReadAhead(reader, dir);
      Files.move(elsewhere, dir.resolve("moved.txt"));
      assertThat(names(Objects.requireNonNull(reader.take(dir))))
          .containsExactly("a.txt", "moved.txt");
    }
  }

  @Test
  void aFailureOnTheReadingThreadComesBackToTheWalk() throws Exception {
    Path dir = Files.createDirectories(root.resolve("docs"));
    Files.writeString(dir.resolve("a.txt"), "a");
    // Attributes no file system has: reading them fails (not with an IOException).
    try (DirectoryReader reader = new DirectoryReader(NoSuchAttributes.class)) {
      reader.expect(dir);
      awaitReadAhead(reader, dir);
      assertThatThrownBy(() -> reader.take(dir))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("cannot list " + dir);
    }
  }

  @Test
  void closingWithDirectoriesStillExpectedReturns() throws IOException {
    List<Path> dirs = tree(DirectoryReader.AHEAD * 2, 3);
    DirectoryReader reader = new DirectoryReader(PosixFileAttributes.class);
    dirs.forEach(reader::expect);
    reader.close(); // with most of them unread
    assertThat(reader.take(dirs.get(0))).as("read by the caller once closed").hasSize(3);
  }

  /** Attributes no file system provides. */
  interface NoSuchAttributes extends BasicFileAttributes {}

  private static void awaitReadAhead(DirectoryReader reader, Path dir) throws InterruptedException {
    while (!reader.readAhead(dir)) {
      Thread.sleep(5);
    }
  }

  @Test
  void listingsReadAheadAreWhatTheDirectoriesHoldInNameOrder() throws IOException {
    List<Path> dirs = tree(30, 7);
    try (DirectoryReader reader = new DirectoryReader(PosixFileAttributes.class)) {
      for (int i = dirs.size() - 1; i >= 0; i--) {
        reader.expect(dirs.get(i));
      }
      for (Path dir : dirs) {
        List<DirectoryReader.Entry> entries = Objects.requireNonNull(reader.take(dir));
        assertThat(names(entries))
            .isEqualTo(
                names(
                    Objects.requireNonNull(DirectoryReader.list(dir, PosixFileAttributes.class))));
        assertThat(names(entries)).isSorted();
        for (DirectoryReader.Entry entry : entries) {
          BasicFileAttributes attributes = Objects.requireNonNull(entry.attributes());
          assertThat(attributes.isDirectory()).isEqualTo(Files.isDirectory(entry.path()));
          assertThat(attributes.size()).isEqualTo(Files.size(entry.path()));
        }
      }
    }
  }

  @Test
  void moreDirectoriesThanMayWaitAreTakenInAnyOrderWithoutStalling() throws IOException {
    List<Path> dirs = tree(DirectoryReader.AHEAD * 3, 2);
    List<Path> order = new ArrayList<>(dirs);
    java.util.Collections.shuffle(order, new Random(7));
    try (DirectoryReader reader = new DirectoryReader(PosixFileAttributes.class)) {
      dirs.forEach(reader::expect);
      for (Path dir : order) {
        assertThat(reader.take(dir)).hasSize(2);
      }
    }
  }

  @Test
  void aDirectoryGoneOrReplacedByAFileListsAsNull() throws IOException {
    Path gone = Files.createDirectories(root.resolve("gone"));
    Path replaced = Files.createDirectories(root.resolve("replaced"));
    try (DirectoryReader reader = new DirectoryReader(PosixFileAttributes.class)) {
      Files.delete(gone);
      Files.delete(replaced);
      Files.writeString(replaced, "now a file");
      reader.expect(gone);
      reader.expect(replaced);
      assertThat(reader.take(gone)).isNull();
      assertThat(reader.take(replaced)).isNull();
      assertThat(reader.take(root.resolve("never-expected"))).isNull();
    }
  }

  @Test
  void aDirectoryNotExpectedIsReadWhenTaken() throws IOException {
    tree(1, 3);
    try (DirectoryReader reader = new DirectoryReader(PosixFileAttributes.class)) {
      assertThat(reader.take(root.resolve("d000"))).hasSize(3);
    }
  }

  /** {@code dirs} directories under the root, each with {@code files} files; in name order. */
  private List<Path> tree(int dirs, int files) throws IOException {
    List<Path> created = new ArrayList<>();
    for (int d = 0; d < dirs; d++) {
      Path dir = Files.createDirectories(root.resolve(String.format("d%03d", d)));
      for (int f = files - 1; f >= 0; f--) {
        Files.writeString(dir.resolve("f" + f + (f % 2 == 0 ? ".txt" : "")), "x".repeat(f));
      }
      created.add(dir);
    }
    return created;
  }

  private static List<String> names(List<DirectoryReader.Entry> entries) {
    return entries.stream().map(DirectoryReader.Entry::name).toList();
  }
}
