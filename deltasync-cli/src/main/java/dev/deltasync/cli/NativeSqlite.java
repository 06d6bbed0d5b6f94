package dev.deltasync.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * Keeps SQLite's native library, which the JDBC driver carries in the jar, extracted once in the
 * user's cache directory ({@code $XDG_CACHE_HOME/deltasync}, else {@code ~/.cache/deltasync}) and
 * points the driver at it. Without this the driver writes the library to a new file in the temp
 * directory at every start (about 50 ms of each command) and leaves it there when the process is
 * killed. The copy is kept only in directories of this user's that no one else may write to
 * (created {@code rwx------}), and used only when it is this user's, not writable by others, and of
 * the size of the jar's. Best effort: when the copy cannot be made or used, the driver does what it
 * always does.
 */
final class NativeSqlite {
  static final String PATH_PROPERTY = "org.sqlite.lib.path";
  static final String NAME_PROPERTY = "org.sqlite.lib.name";

  private NativeSqlite() {}

  /** Sets the driver's library properties to the cached copy, making it first if need be. */
  static void prepare() {
    if (System.getProperty(PATH_PROPERTY) != null) {
      return; // chosen by whoever started us
    }
    Path cache = cacheDirectory();
    if (cache == null) {
      return;
    }
    try {
      Path library = cached(cache);
      Path dir = library == null ? null : library.getParent();
      if (library != null && dir != null) {
        System.setProperty(PATH_PROPERTY, dir.toString());
        System.setProperty(NAME_PROPERTY, library.getFileName().toString());
      }
    } catch (IOException | RuntimeException e) {
      // the driver extracts the library itself, as without this
    }
  }

  /**
   * The cached library for this driver version and platform under {@code cache}, copied there now
   * when missing or of another size; null when the jar has none for this platform. Which of the
   * jar's libraries suits this platform is recorded beside the copy: working it out makes the
   * driver run {@code uname}, which a start with a cached copy skips.
   */
  static @Nullable Path cached(Path cache) throws IOException {
    String platform =
        (System.getProperty("os.name", "os") + "-" + System.getProperty("os.arch", "arch"))
            .replaceAll("[^A-Za-z0-9_.-]+", "-")
            .toLowerCase(Locale.ROOT);
    Path dir = cache.resolve("sqlite-jdbc-" + SQLiteJDBCLoader.getVersion() + "-" + platform);
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    }
    // Code is loaded from here: only from directories no one else can write to.
    if (!ownOnly(cache) || !ownOnly(dir)) {
      return null;
    }
    Path record = dir.resolve(RECORD);
    if (Files.isRegularFile(record, LinkOption.NOFOLLOW_LINKS) && ownOnly(record)) {
      String resource = Files.readString(record, StandardCharsets.UTF_8).strip();
      Path library = usable(dir, resource);
      if (library != null) {
        return library;
      }
    }
    String resource =
        LibraryLoaderUtil.getNativeLibResourcePath() + "/" + LibraryLoaderUtil.getNativeLibName();
    URL url = SQLiteJDBCLoader.class.getResource(resource);
    if (url == null) {
      return null;
    }
    Path library = dir.resolve(LibraryLoaderUtil.getNativeLibName());
    try (InputStream in = url.openStream()) {
      publish(dir, library, in, true);
    }
    publish(
        dir,
        record,
        new ByteArrayInputStream((resource + "\n").getBytes(StandardCharsets.UTF_8)),
        false);
    return library;
  }

  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rwx------");

  /**
   * Whether {@code path} is this user's and no one else may write to it (not a link either); false
   * on file systems without POSIX permissions, where no copy is kept.
   */
  static boolean ownOnly(Path path) throws IOException {
    PosixFileAttributes attributes;
    try {
      attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException e) {
      return false;
    }
    Set<PosixFilePermission> permissions = attributes.permissions();
    return !attributes.isSymbolicLink()
        && attributes.owner().equals(currentUser(path))
        && !permissions.contains(PosixFilePermission.GROUP_WRITE)
        && !permissions.contains(PosixFilePermission.OTHERS_WRITE);
  }

  private static UserPrincipal currentUser(Path path) throws IOException {
    return path.getFileSystem()
        .getUserPrincipalLookupService()
        .lookupPrincipalByName(System.getProperty("user.name"));
  }

  /** The file name of the record of which resource the copy in a directory is. */
  static final String RECORD = "resource";

  /** The copy of {@code resource} in {@code dir}, if it is there whole; else null. */
  private static @Nullable Path usable(Path dir, String resource) throws IOException {
    if (!resource.startsWith("/org/sqlite/native/") || resource.contains("..")) {
      return null;
    }
    URL url = SQLiteJDBCLoader.class.getResource(resource);
    Path library = dir.resolve(resource.substring(resource.lastIndexOf('/') + 1));
    if (url == null
        || !Files.isRegularFile(library, LinkOption.NOFOLLOW_LINKS)
        || !ownOnly(library)) {
      return null;
    }
    URLConnection connection = url.openConnection();
    long size = connection.getContentLengthLong();
    return size >= 0 && Files.size(library) == size ? library : null;
  }

  /** Writes {@code content} to {@code target} through a temporary file and an atomic rename. */
  private static void publish(Path dir, Path target, InputStream content, boolean executable)
      throws IOException {
    Path temp = dir.resolve(".tmp-" + UUID.randomUUID());
    try {
      Files.copy(content, temp);
      if (executable) {
        try {
          Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
          // not a POSIX file system: its defaults do
        }
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** {@code $XDG_CACHE_HOME/deltasync}, else {@code ~/.cache/deltasync}; null without a home. */
  static @Nullable Path cacheDirectory() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
      return Path.of(xdg, "deltasync");
    }
    String home = System.getProperty("user.home");
    if (home == null || home.isBlank() || home.equals("?")) {
      return null;
    }
    return Path.of(home, ".cache", "deltasync");
  }
}
