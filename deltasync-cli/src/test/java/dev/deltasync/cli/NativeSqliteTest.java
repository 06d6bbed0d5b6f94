package dev.deltasync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Objects;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

class NativeSqliteTest {
  @TempDir Path cache;

  @Test
  void theLibraryIsCopiedOnceAndReusedByLaterStarts() throws IOException {
    Path library = Objects.requireNonNull(NativeSqlite.cached(cache));
    Path dir = Objects.requireNonNull(library.getParent());

    assertThat(library).startsWith(cache).hasFileName(LibraryLoaderUtil.getNativeLibName());
    assertThat(dir.getFileName().toString())
        .startsWith("sqlite-jdbc-" + SQLiteJDBCLoader.getVersion() + "-");
    assertThat(Files.readAllBytes(library)).isEqualTo(resource());
    try (var entries = Files.list(dir)) {
      assertThat(entries) // no temporary file left
          .containsExactlyInAnyOrder(library, dir.resolve(NativeSqlite.RECORD));
    }

    FileTime written = FileTime.fromMillis(1_600_000_000_000L);
    Files.setLastModifiedTime(library, written);
    assertThat(NativeSqlite.cached(cache)).isEqualTo(library);
    assertThat(Files.getLastModifiedTime(library)).as("not written again").isEqualTo(written);
  }

  @Test
  void aCopyOfAnotherSizeIsReplaced() throws IOException {
    Path library = NativeSqlite.cached(cache);
    assertThat(library).isNotNull();
    Files.write(library, new byte[] {1, 2, 3}); // a torn copy

    assertThat(NativeSqlite.cached(cache)).isEqualTo(library);
    assertThat(Files.readAllBytes(library)).isEqualTo(resource());
  }

  @Test
  void aRecordThatNamesSomethingElseIsNotFollowed() throws IOException {
    Path library = Objects.requireNonNull(NativeSqlite.cached(cache));
    Path record = Objects.requireNonNull(library.getParent()).resolve(NativeSqlite.RECORD);
    Files.writeString(record, "/org/sqlite/native/../../../etc/passwd\n");

    assertThat(NativeSqlite.cached(cache)).isEqualTo(library);
    assertThat(Files.readString(record)).startsWith("/org/sqlite/native/").doesNotContain("..");
  }

  @Test
  void theCopyIsKeptOnlyWhereNoOneElseMayWrite() throws IOException {
    Path library = Objects.requireNonNull(NativeSqlite.cached(cache));
    Path dir = Objects.requireNonNull(library.getParent());
    assertThat(Files.getPosixFilePermissions(dir))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(Files.getPosixFilePermissions(library))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));

    Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThat(NativeSqlite.cached(cache)).as("a cache others may write to").isNull();
    Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwx------"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwx---"));
    assertThat(NativeSqlite.cached(cache)).as("a group-writable directory").isNull();
  }

  @Test
  void aCopyThatIsNotTheUsersIsReplaced() throws IOException {
    Path library = Objects.requireNonNull(NativeSqlite.cached(cache));
    UserPrincipal me = Files.getOwner(library);
    UserPrincipal nobody;
    try {
      nobody =
          library.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
      Files.setOwner(library, nobody);
    } catch (IOException e) {
      Assumptions.abort("cannot give a file to another user here (not root): " + e);
      return;
    }
    assertThat(NativeSqlite.ownOnly(library)).isFalse();

    assertThat(NativeSqlite.cached(cache)).isEqualTo(library);
    assertThat(Files.getOwner(library)).isEqualTo(me);
    assertThat(Files.readAllBytes(library)).isEqualTo(resource());
  }

  @Test
  void theCacheDirectoryIsTheUsersOwn() {
    Path dir = Objects.requireNonNull(NativeSqlite.cacheDirectory());
    assertThat(dir.getFileName().toString()).isEqualTo("deltasync");
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path expected =
        xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()
            ? Path.of(xdg, "deltasync")
            : Path.of(System.getProperty("user.home"), ".cache", "deltasync");
    assertThat(dir).isEqualTo(expected);
  }

  private static byte[] resource() throws IOException {
    String name =
        LibraryLoaderUtil.getNativeLibResourcePath() + "/" + LibraryLoaderUtil.getNativeLibName();
    try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      return in.readAllBytes();
    }
  }
}
