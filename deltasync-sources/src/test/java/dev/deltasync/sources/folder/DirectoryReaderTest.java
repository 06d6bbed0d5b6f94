package dev.deltasync.sources.folder;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.io.TempDir;

class DirectoryReaderTest {
  @TempDir Path root;

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
