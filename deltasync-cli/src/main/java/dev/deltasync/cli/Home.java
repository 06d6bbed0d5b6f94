package dev.deltasync.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A device's home directory: {@code config.json} ({@link HomeConfig}), {@code device-token} (mode
 * 0600), the lock file of a running sync, and per collection a directory with its snapshot and the
 * summary of its last sync.
 */
final class Home {
  static final String ENV = "DELTASYNC_HOME";

  private final Path dir;

  Home(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
  }

  /** {@code --home}, else {@code $DELTASYNC_HOME}, else {@code ~/.deltasync}. */
  static Home resolve(@Nullable Path option) {
    if (option != null) {
      return new Home(option);
    }
    String env = System.getenv(ENV);
    if (env != null && !env.isBlank()) {
      return new Home(Path.of(env));
    }
    return new Home(Path.of(System.getProperty("user.home"), ".deltasync"));
  }

  Path dir() {
    return dir;
  }

  Path configFile() {
    return dir.resolve("config.json");
  }

  Path tokenFile() {
    return dir.resolve("device-token");
  }

  Path lockFile() {
    return dir.resolve("lock");
  }

  boolean joined() {
    return Files.exists(configFile());
  }

  /**
   * The configuration.
   *
   * @throws UserException when the home has not joined a store
   */
  HomeConfig config() throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(configFile());
    } catch (NoSuchFileException e) {
      throw new UserException(
          "the home "
              + dir
              + " has not joined a store yet: run 'deltasync join STORE' first (or give --home)");
    }
    return HomeConfig.parse(bytes, configFile().toString());
  }

  /** Writes the configuration atomically (temp file, fsync, rename). */
  void write(HomeConfig config) throws IOException {
    create();
    Output.writeAtomically(configFile(), config.toBytes());
  }

  /** The device token; never printed. */
  String deviceToken() throws IOException {
    try {
      return Files.readString(tokenFile(), StandardCharsets.UTF_8).strip();
    } catch (NoSuchFileException e) {
      throw new UserException(
          "the home " + dir + " has no device token (" + tokenFile() + "): join again");
    }
  }

  /** Writes the device token atomically, readable by its owner only. */
  void writeDeviceToken(String token) throws IOException {
    create();
    Output.writeAtomically(tokenFile(), (token + "\n").getBytes(StandardCharsets.UTF_8));
    restrict(tokenFile(), "rw-------");
  }

  /** The directory of one collection's state: its snapshot and last sync. */
  Path collectionDir(String collection) {
    return dir.resolve("collections").resolve(directoryName(collection));
  }

  Path snapshotFile(String collection) {
    return collectionDir(collection).resolve("snapshot.db");
  }

  Path lastSyncFile(String collection) {
    return collectionDir(collection).resolve("last-sync.json");
  }

  /** Creates the home, readable by its owner only, when absent. */
  void create() throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    try {
      Files.createDirectories(dir);
    } catch (FileAlreadyExistsException e) {
      throw new UserException("the home " + dir + " is a file, not a directory");
    }
    restrict(dir, "rwx------");
  }

  /**
   * A collection name as a file name: letters, digits, {@code -} and {@code _} as they are,
   * everything else as {@code %XX} of its UTF-8 bytes, so any name the format allows maps to one
   * name, and two names never to the same.
   */
  static String directoryName(String collection) {
    StringBuilder name = new StringBuilder("c-");
    for (byte b : collection.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_') {
        name.append((char) c);
      } else {
        name.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        name.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return name.toString();
  }

  private static void restrict(Path path, String permissions) throws IOException {
    if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Set<PosixFilePermission> set = PosixFilePermissions.fromString(permissions);
      Files.setPosixFilePermissions(path, set);
    }
  }

  @Override
  public String toString() {
    return dir.toString();
  }
}
