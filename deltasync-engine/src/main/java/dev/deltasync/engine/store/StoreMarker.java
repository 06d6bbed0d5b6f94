package dev.deltasync.engine.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The file {@code deltasync-store.json} at the root of a directory store: it says the directory is
 * a store and which layout version it has. Layout versions are code: a change to the layout is a
 * new version, and this build refuses a store with a version it does not know.
 */
final class StoreMarker {
  static final String FILE = "deltasync-store.json";
  static final String FORMAT = "deltasync-directory-store";

  /** The layout this build writes and reads. */
  static final int LAYOUT = 1;

  /** Files an operating system may put in a fresh directory; they do not make it "not empty". */
  private static final Set<String> SYSTEM_FILES =
      Set.of(".DS_Store", ".localized", "Thumbs.db", "desktop.ini");

  private static final Pattern FORMAT_FIELD = Pattern.compile("\"format\"\\s*:\\s*\"([^\"]*)\"");
  private static final Pattern LAYOUT_FIELD = Pattern.compile("\"layout\"\\s*:\\s*(-?\\d{1,9})");

  private StoreMarker() {}

  static String contents() {
    return "{\n  \"format\": \"" + FORMAT + "\",\n  \"layout\": " + LAYOUT + "\n}\n";
  }

  /**
   * Checks the marker in {@code root} (an existing directory), or writes it when the directory is
   * empty.
   *
   * @throws StoreException when the directory holds something else, the marker is not ours, or its
   *     layout is newer than this build
   */
  static void checkOrCreate(Path root) throws IOException {
    Path marker = root.resolve(FILE);
    if (!Files.exists(marker)) {
      List<String> others = new ArrayList<>();
      boolean markerAppeared = false;
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
        for (Path entry : entries) {
          String name = String.valueOf(entry.getFileName());
          if (name.equals(FILE)) {
            markerAppeared = true; // another process is creating the store right now
          } else if (!SYSTEM_FILES.contains(name) && !isMarkerTemp(name)) {
            others.add(name);
          }
        }
      }
      if (!markerAppeared && !others.isEmpty()) {
        throw new StoreException(
            root
                + " is not empty and not a deltasync store (it has no "
                + FILE
                + " but holds "
                + (others.size() == 1 ? others.get(0) : others.size() + " entries")
                + "): choose an empty directory for a new store, or the root of an existing one");
      }
      if (!markerAppeared) {
        Durable.replace(marker, contents().getBytes(StandardCharsets.UTF_8));
      }
    }
    check(marker);
  }

  private static void check(Path marker) throws IOException {
    String text =
        Files.size(marker) <= 65536
            ? new String(Files.readAllBytes(marker), StandardCharsets.UTF_8)
            : "";
    Matcher format = FORMAT_FIELD.matcher(text);
    Matcher layout = LAYOUT_FIELD.matcher(text);
    if (!format.find() || !format.group(1).equals(FORMAT) || !layout.find()) {
      throw new StoreException(
          marker + " is not a deltasync store marker: it lacks \"format\": \"" + FORMAT + "\"");
    }
    int version = Integer.parseInt(layout.group(1));
    if (version > LAYOUT) {
      throw new StoreException(
          "the store at "
              + marker.getParent()
              + " has layout version "
              + version
              + "; this deltasync reads layout "
              + LAYOUT
              + ": upgrade deltasync");
    }
    if (version < 1) {
      throw new StoreException(marker + " declares layout " + version + ", which does not exist");
    }
  }

  private static boolean isMarkerTemp(String name) {
    return name.startsWith("." + FILE + "-") && name.endsWith(".tmp");
  }
}
