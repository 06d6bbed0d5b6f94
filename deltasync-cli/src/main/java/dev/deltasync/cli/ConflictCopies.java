package dev.deltasync.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Finds the conflict copies the engine writes beside a file changed on two devices: {@code
 * NAME.conflict-DEVICE-YYYYMMDD-HHMMSS[-N].EXT}.
 */
final class ConflictCopies {
  private static final Pattern NAME =
      Pattern.compile("^(.+?)\\.conflict-(.+)-(\\d{8}-\\d{6})(-\\d+)?(\\.[^.]*)?$");

  private ConflictCopies() {}

  /**
   * A conflict copy.
   *
   * @param copy the copy, relative to the folder
   * @param original the file it is a copy of, relative to the folder
   * @param device the device whose version the copy holds
   * @param stamp when, {@code YYYYMMDD-HHMMSS} UTC
   */
  record Copy(String copy, String original, String device, String stamp) {}

  /** Every conflict copy in {@code folder}, sorted by path; none when the folder is missing. */
  static List<Copy> in(Path folder) throws IOException {
    List<Copy> copies = new ArrayList<>();
    if (!Files.isDirectory(folder)) {
      return copies;
    }
    try (Stream<Path> all = Files.walk(folder)) {
      all.forEach(path -> {
        Copy copy = parse(folder.relativize(path).toString().replace('\\', '/'));
        if (copy != null) {
          copies.add(copy);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    copies.sort(Comparator.comparing(Copy::copy));
    return copies;
  }

  /** The copy's parts, or null when {@code path} is not a conflict copy's name. */
  static @Nullable Copy parse(String path) {
    int slash = path.lastIndexOf('/');
    String dir = path.substring(0, slash + 1);
    Matcher m = NAME.matcher(path.substring(slash + 1));
    if (!m.matches()) {
      return null;
    }
    String extension = m.group(5) == null ? "" : m.group(5);
    return new Copy(path, dir + m.group(1) + extension, m.group(2), m.group(3));
  }
}
