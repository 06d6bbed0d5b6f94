package dev.deltasync.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Binds a collection to local data: records the binding in the home's configuration and marks a
 * folder as the collection's root (the {@code .deltasync} marker the folder source checks before
 * every sync, so an unmounted disk is never taken for "everything deleted").
 */
final class AddOperation {
  /** The folder source's marker file in a bound folder's root. */
  static final String FOLDER_MARKER = ".deltasync";

  /**
   * @param home the device's home
   * @param collection the collection's name
   * @param path the local data
   * @param type the source type
   */
  record Options(Home home, String collection, Path path, String type) {}

  /**
   * @param binding the binding now in the configuration
   * @param alreadyBound whether it was bound like this before (nothing changed)
   */
  record Result(HomeConfig.Binding binding, boolean alreadyBound) {}

  private final Options options;

  AddOperation(Options options) {
    this.options = options;
  }

  Result execute() throws IOException {
    String type = options.type().toLowerCase(Locale.ROOT);
    switch (type) {
      case "folder", "vcard", "ical" -> {}
      default ->
          throw new UserException(
              "--type is folder, vcard or ical, not \"" + options.type() + "\"",
              ErrorHandler.EXIT_BAD_INPUT);
    }
    checkName(options.collection());
    Home home = options.home();
    home.config(); // a home that has not joined: say so, and create nothing
    try (HomeLock lock = HomeLock.acquire(home, "add a collection")) {
      HomeConfig config = home.config();
      Path path = type.equals("folder") ? folder(options.path()) : records(options.path(), type);
      HomeConfig.Binding binding = new HomeConfig.Binding(type, path);
      HomeConfig.Binding existing = config.collections().get(options.collection());
      if (existing != null) {
        if (existing.equals(binding)) {
          if (type.equals("folder")) {
            markFolder(path);
          }
          return new Result(existing, true);
        }
        throw new UserException(
            "collection \""
                + options.collection()
                + "\" is bound already, as "
                + existing.type()
                + " "
                + existing.path()
                + "; a collection has one binding per device");
      }
      for (var other : config.collections().entrySet()) {
        Path bound = other.getValue().path();
        if (bound.startsWith(path) || path.startsWith(bound)) {
          throw new UserException(
              path
                  + " overlaps "
                  + bound
                  + ", the folder of collection \""
                  + other.getKey()
                  + "\": bound folders must not nest");
        }
      }
      if (type.equals("folder")) {
        markFolder(path);
      }
      home.write(config.withCollection(options.collection(), binding));
      return new Result(binding, false);
    }
  }

  /** The folder, absolute; created when only its last part is missing. */
  private static Path folder(Path given) throws IOException {
    Path path = given.toAbsolutePath().normalize();
    if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(path)) {
      throw new UserException(path + " is not a directory", ErrorHandler.EXIT_BAD_INPUT);
    }
    if (!Files.isDirectory(path)) {
      Path parent = path.getParent();
      if (parent == null || !Files.isDirectory(parent)) {
        throw new UserException(
            "path not found: " + path + " (neither it nor its parent directory exists)",
            ErrorHandler.EXIT_BAD_INPUT);
      }
      Files.createDirectory(path);
    }
    return path.toRealPath();
  }

  /**
   * Where contacts ({@code vcard}) or calendars ({@code ical}) live, absolute: one file ending in
   * {@code .vcf} or {@code .ics} (created by the first sync that writes into it), or a directory
   * with one file per item (a "vdir"; created when only its last part is missing).
   */
  private static Path records(Path given, String type) throws IOException {
    String extension = type.equals("vcard") ? ".vcf" : ".ics";
    Path path = given.toAbsolutePath().normalize();
    Path parent = path.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new UserException(
          "path not found: " + path + " (neither it nor its parent directory exists)",
          ErrorHandler.EXIT_BAD_INPUT);
    }
    String name = String.valueOf(path.getFileName()).toLowerCase(Locale.ROOT);
    if (Files.isDirectory(path)) {
      return path.toRealPath();
    }
    if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) || name.endsWith(extension)) {
      if (!name.endsWith(extension) || !isFileOrMissing(path)) {
        throw new UserException(
            path
                + " is not a "
                + extension
                + " file or a directory: --type "
                + type
                + " takes one "
                + extension
                + " file, or a directory with one "
                + extension
                + " file per item",
            ErrorHandler.EXIT_BAD_INPUT);
      }
      return parent.toRealPath().resolve(path.getFileName());
    }
    Files.createDirectory(path);
    return path.toRealPath();
  }

  private static boolean isFileOrMissing(Path path) {
    return !Files.exists(path, LinkOption.NOFOLLOW_LINKS)
        || Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS);
  }

  private static void markFolder(Path folder) throws IOException {
    try {
      Files.createFile(folder.resolve(FOLDER_MARKER));
    } catch (FileAlreadyExistsException e) {
      // marked already
    }
  }

  /** The format's name rules, checked early with a clear message. */
  static void checkName(String collection) {
    if (collection.isEmpty()
        || collection.getBytes(StandardCharsets.UTF_8).length > 1024
        || collection.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new UserException(
          "a collection name has 1 to 1024 bytes and no control characters, not \""
              + collection
              + "\"",
          ErrorHandler.EXIT_BAD_INPUT);
    }
  }
}
