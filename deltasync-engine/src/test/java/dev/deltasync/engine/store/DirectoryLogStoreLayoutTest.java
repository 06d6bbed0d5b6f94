package dev.deltasync.engine.store;

import static dev.deltasync.engine.store.TestLogs.USER;
import static dev.deltasync.engine.store.TestLogs.id;
import static dev.deltasync.engine.store.TestLogs.log;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryLogStoreLayoutTest {
  @TempDir Path dir;

  @Test
  void openingAnAbsentDirectoryCreatesTheLayout() throws IOException {
    Path root = dir.resolve("a/b/store");
    try (DirectoryLogStore store = DirectoryLogStore.open(root, USER)) {
      assertThat(store.root()).isEqualTo(root.toRealPath());
    }
    assertThat(root.resolve("deltasync-store.json"))
        .hasContent("{\n  \"format\": \"deltasync-directory-store\",\n  \"layout\": 1\n}");
    assertThat(root.resolve("users/alice/name")).hasContent("alice");
    assertThat(root.resolve("users/alice/collections")).isEmptyDirectory();
    assertThat(root.resolve("users/alice/packs")).isEmptyDirectory();
  }

  @Test
  void anExistingStoreOpensAgainAndKeepsItsLogs() throws IOException {
    try (DirectoryLogStore store = DirectoryLogStore.open(dir, USER)) {
      store.append("docs", 0, log("docs", id(1, 1)));
    }
    try (DirectoryLogStore store = DirectoryLogStore.open(dir, USER)) {
      assertThat(store.head("docs")).isEqualTo(1);
    }
  }

  @Test
  void aDirectoryWithOnlySystemFilesCountsAsEmpty() throws IOException {
    Files.write(dir.resolve(".DS_Store"), new byte[] {0});
    Files.write(dir.resolve("Thumbs.db"), new byte[] {0});
    try (DirectoryLogStore store = DirectoryLogStore.open(dir, USER)) {
      assertThat(store.head("docs")).isZero();
    }
  }

  @Test
  void aNonEmptyDirectoryThatIsNotAStoreIsRefused() throws IOException {
    Files.writeString(dir.resolve("holiday.jpg"), "not a store");
    assertThatThrownBy(() -> DirectoryLogStore.open(dir, USER))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("is not empty and not a deltasync store")
        .hasMessageContaining("holiday.jpg")
        .hasMessageContaining("choose an empty directory");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).hasSize(1); // nothing written
    }
  }

  @Test
  void aFileIsRefused() throws IOException {
    Path file = Files.writeString(dir.resolve("file"), "x");
    assertThatThrownBy(() -> DirectoryLogStore.open(file, USER))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("is a file");
  }

  @Test
  void aNewerLayoutIsRefusedWithAnUpgradeHint() throws IOException {
    Files.writeString(
        dir.resolve("deltasync-store.json"),
        "{\"format\": \"deltasync-directory-store\", \"layout\": 2, \"more\": true}");
    assertThatThrownBy(() -> DirectoryLogStore.open(dir, USER))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("layout version 2; this deltasync reads layout 1: upgrade deltasync");
  }

  @Test
  void aForeignMarkerIsRefused() throws IOException {
    Files.writeString(dir.resolve("deltasync-store.json"), "{\"format\": \"something-else\"}");
    assertThatThrownBy(() -> DirectoryLogStore.open(dir, USER))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("is not a deltasync store marker");
  }

  @Test
  void namesDifferingOnlyInCaseAreSeparateCollections() throws IOException {
    try (DirectoryLogStore store = DirectoryLogStore.open(dir, USER)) {
      store.append("Docs", 0, log("Docs", id(1, 1)));
      store.append("docs", 0, log("docs", id(2, 1)));
      store.append("DOCS", 0, log("DOCS", id(3, 1)));
      assertThat(store.list("Docs", 0, 10)).extracting(LogEntry::logId).containsExactly(id(1, 1));
      assertThat(store.list("docs", 0, 10)).extracting(LogEntry::logId).containsExactly(id(2, 1));
      assertThat(store.list("DOCS", 0, 10)).extracting(LogEntry::logId).containsExactly(id(3, 1));
    }
    List<String> names = listNames(dir.resolve("users/alice/collections"));
    assertThat(names).containsExactlyInAnyOrder("_44ocs", "docs", "_44_4f_43_53");
    // no two differ only in case
    assertThat(names.stream().map(String::toLowerCase).distinct()).hasSize(3);
  }

  @Test
  void hostileNamesStayInsideTheRoot() throws IOException {
    String user = "../../evil:Ü/\\";
    String collection = "../../../etc/passwd:C:\\x/..\u00e9\uD83D\uDE00";
    Path root = dir.resolve("store");
    try (DirectoryLogStore store = DirectoryLogStore.open(root, user)) {
      store.append(collection, 0, log(user, collection, id(1, 1)));
      assertThat(store.read(collection, 1)).isEqualTo(log(user, collection, id(1, 1)));
      assertThat(store.head(collection)).isEqualTo(1);
    }
    assertThat(listNames(dir)).containsExactly("store");
    assertThat(listNames(root)).containsExactlyInAnyOrder("deltasync-store.json", "users");
    List<String> users = listNames(root.resolve("users"));
    assertThat(users).hasSize(1);
    assertThat(users.get(0)).matches("[a-z0-9_-]+");
    Path userDir = root.resolve("users").resolve(users.get(0));
    assertThat(Files.readString(userDir.resolve("name"), StandardCharsets.UTF_8)).isEqualTo(user);
    List<String> collections = listNames(userDir.resolve("collections"));
    assertThat(collections).hasSize(1);
    assertThat(collections.get(0)).matches("[a-z0-9_-]+");
    assertThat(userDir.resolve("collections").resolve(collections.get(0)).resolve("name"))
        .hasContent(collection);
  }

  @Test
  void aVeryLongNameGetsAHashedDirectoryName() throws IOException {
    String collection = "ü".repeat(500); // 1000 UTF-8 bytes
    try (DirectoryLogStore store = DirectoryLogStore.open(dir, USER)) {
      store.append(collection, 0, log(collection, id(1, 1)));
      assertThat(store.head(collection)).isEqualTo(1);
      assertThat(store.head("ü".repeat(499))).isZero();
    }
    List<String> names = listNames(dir.resolve("users/alice/collections"));
    assertThat(names).hasSize(1);
    assertThat(names.get(0)).hasSizeLessThanOrEqualTo(StoreNames.PREFIX + 2 + 64).contains("__");
  }

  @Test
  void usersAreSegregated() throws IOException {
    try (DirectoryLogStore alice = DirectoryLogStore.open(dir, USER);
        DirectoryLogStore bob = DirectoryLogStore.open(dir, "bob")) {
      alice.append("docs", 0, log("docs", id(1, 1)));
      assertThat(bob.head("docs")).isZero();
      assertThatThrownBy(() -> bob.append("docs", 0, log("docs", id(1, 1))))
          .isInstanceOf(StoreException.Rejected.class);
    }
    assertThat(listNames(dir.resolve("users"))).containsExactlyInAnyOrder("alice", "bob");
  }

  private static List<String> listNames(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).toList();
    }
  }
}
