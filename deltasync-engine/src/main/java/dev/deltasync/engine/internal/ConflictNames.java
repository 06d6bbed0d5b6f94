package dev.deltasync.engine.internal;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Names of conflict copies: {@code NAME.conflict-DEVICE-YYYYMMDD-HHMMSS.EXT}. */
final class ConflictNames {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private ConflictNames() {}

  /**
   * The conflict copy's path for {@code path}, written by {@code device} at {@code millis}; {@code
   * attempt} above 0 adds a counter, for when the name is taken.
   */
  static String of(String path, String device, long millis, int attempt) {
    int slash = path.lastIndexOf('/');
    String dir = path.substring(0, slash + 1);
    String name = path.substring(slash + 1);
    int dot = name.lastIndexOf('.');
    String base = dot > 0 ? name.substring(0, dot) : name;
    String extension = dot > 0 ? name.substring(dot) : "";
    // A copy of a copy is named after the original, not after the copy, so names do not grow.
    int earlier = base.indexOf(".conflict-");
    if (earlier > 0) {
      base = base.substring(0, earlier);
    }
    if (name.startsWith(".conflict-", dot) && dot > 0 && base.equals(name.substring(0, dot))) {
      extension = ""; // a file without extension that was already a copy
    }
    // File names are limited to 255 bytes on most file systems: shorten the base when needed.
    int room = 200 - extension.length();
    if (base.length() > room && room > 0) {
      base = base.substring(0, room);
    }
    String safeDevice = device.replaceAll("[^A-Za-z0-9_-]", "_");
    String counter = attempt == 0 ? "" : "-" + attempt;
    return dir
        + base
        + ".conflict-"
        + safeDevice
        + "-"
        + STAMP.format(Instant.ofEpochMilli(millis))
        + counter
        + extension;
  }
}
