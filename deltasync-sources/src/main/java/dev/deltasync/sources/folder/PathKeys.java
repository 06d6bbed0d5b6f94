package dev.deltasync.sources.folder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.Locale;
import java.util.UUID;

/**
 * How the local file system compares names: Unicode NFC always, and case-folded when the file
 * system ignores case (found by a probe file in the folder).
 */
final class PathKeys {
  private final boolean caseInsensitive;

  PathKeys(boolean caseInsensitive) {
    this.caseInsensitive = caseInsensitive;
  }

  /** Probes whether the file system under {@code root} ignores case. */
  static PathKeys probe(Path root) throws IOException {
    String name = ReservedNames.TEMP_PREFIX + "probe-" + UUID.randomUUID();
    Path lower = root.resolve(name);
    Files.createFile(lower);
    try {
      return new PathKeys(Files.exists(root.resolve(name.toUpperCase(Locale.ROOT))));
    } finally {
      Files.deleteIfExists(lower);
    }
  }

  String of(String path) {
    String normalized = Normalizer.normalize(path, Normalizer.Form.NFC);
    return caseInsensitive ? normalized.toLowerCase(Locale.ROOT) : normalized;
  }
}
