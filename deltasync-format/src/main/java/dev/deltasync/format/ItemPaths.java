package dev.deltasync.format;

import org.jspecify.annotations.Nullable;

/**
 * The syntax of item paths in the universal format: relative, '/'-separated, no empty, "." or ".."
 * segment, no NUL, no drive letter, at most {@link FormatLimits#MAX_PATH_BYTES} bytes.
 *
 * <p>This is the format's part of hostile-path defence; a constructor writing to a real file system
 * checks the rest (symlinks on the way, the engine's own files).
 */
public final class ItemPaths {
  private ItemPaths() {}

  /**
   * Returns why {@code path} is not a valid item path, or {@code null} when it is.
   *
   * @param path the path as it appears in a change
   */
  public static @Nullable String problem(String path) {
    if (path.isEmpty()) {
      return "is empty";
    }
    if (ChangeValidator.longerThan(path, FormatLimits.MAX_PATH_BYTES)) {
      return "is longer than " + FormatLimits.MAX_PATH_BYTES + " bytes";
    }
    if (path.indexOf('\0') >= 0) {
      return "contains a NUL character";
    }
    if (path.charAt(0) == '/') {
      return "is absolute (starts with '/')";
    }
    if (path.length() >= 2
        && path.charAt(1) == ':'
        && ((path.charAt(0) >= 'A' && path.charAt(0) <= 'Z')
            || (path.charAt(0) >= 'a' && path.charAt(0) <= 'z'))) {
      return "starts with a drive letter";
    }
    int start = 0;
    while (start <= path.length()) {
      int end = path.indexOf('/', start);
      if (end < 0) {
        end = path.length();
      }
      String segment = path.substring(start, end);
      if (segment.isEmpty()) {
        return "has an empty segment (a '//' or a trailing '/')";
      }
      if (segment.equals("..")) {
        return "contains '..'";
      }
      if (segment.equals(".")) {
        return "contains a '.' segment";
      }
      start = end + 1;
    }
    return null;
  }
}
