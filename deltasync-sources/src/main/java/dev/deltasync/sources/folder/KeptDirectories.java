package dev.deltasync.sources.folder;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The directories that other devices deleted but this one keeps, because they still hold files the
 * user excluded from sync here (by {@code .deltasyncignore}): the ignored files are the user's and
 * exist nowhere else, so they are not deleted, and the directory stays as their local holder. A
 * kept directory is not an item: the scan does not report it, so it does not come back elsewhere.
 *
 * <p>The list lives in the folder's root as {@value ReservedNames#KEPT}, one path a line
 * (backslash, line ends and a leading {@code #} escaped), written atomically. Paths are compared by
 * path key.
 *
 * <p>Not thread-safe: used by one sync at a time, like its source.
 */
final class KeptDirectories {
  private final Path file;
  private final PathKeys keys;

  /** Path key → path, for every kept directory. */
  private final Map<String, String> kept = new TreeMap<>();

  private KeptDirectories(Path file, PathKeys keys) {
    this.file = file;
    this.keys = keys;
  }

  /**
   * Reads the list of the folder at {@code root}; none when it has no list.
   *
   * @throws IOException if the list exists but cannot be read
   */
  static KeptDirectories load(Path root, PathKeys keys) throws IOException {
    KeptDirectories directories = new KeptDirectories(root.resolve(ReservedNames.KEPT), keys);
    List<String> lines;
    try {
      lines = Files.readAllLines(directories.file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return directories;
    }
    for (String line : lines) {
      if (!line.isEmpty() && !line.startsWith("#")) {
        String path = unescape(line);
        directories.kept.put(keys.of(path), path);
      }
    }
    return directories;
  }

  boolean isEmpty() {
    return kept.isEmpty();
  }

  boolean contains(String path) {
    return !kept.isEmpty() && kept.containsKey(keys.of(path));
  }

  /** Adds {@code path} and writes the list durably before it returns. */
  void add(String path) throws IOException {
    if (kept.putIfAbsent(keys.of(path), path) == null) {
      save();
    }
  }

  /** Removes {@code path} and writes the list durably before it returns. */
  void remove(String path) throws IOException {
    if (!kept.isEmpty() && kept.remove(keys.of(path)) != null) {
      save();
    }
  }

  /** Forgets the kept directories that are no longer directories in the folder at {@code root}. */
  void forgetMissing(Path root) throws IOException {
    boolean changed =
        kept.values()
            .removeIf(path -> !Files.isDirectory(root.resolve(path), LinkOption.NOFOLLOW_LINKS));
    if (changed) {
      save();
    }
  }

  private void save() throws IOException {
    if (kept.isEmpty()) {
      Files.deleteIfExists(file);
      FileWriter.syncDirectory(file.getParent());
      return;
    }
    List<String> lines = new ArrayList<>();
    lines.add("# Directories deleted on other devices that deltasync keeps here only because they");
    lines.add("# hold files ignored by .deltasyncignore. They are not synced. Do not edit.");
    for (String path : kept.values()) {
      lines.add(escape(path));
    }
    Path temp = file.resolveSibling(ReservedNames.TEMP_PREFIX + "kept");
    Files.write(temp, lines, StandardCharsets.UTF_8);
    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
    FileWriter.rename(temp, file);
  }

  private static String escape(String path) {
    String escaped = path.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
    return escaped.startsWith("#") ? "\\" + escaped : escaped;
  }

  private static String unescape(String line) {
    StringBuilder out = new StringBuilder(line.length());
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\' && i + 1 < line.length()) {
        char next = line.charAt(++i);
        out.append(next == 'n' ? '\n' : next == 'r' ? '\r' : next);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
