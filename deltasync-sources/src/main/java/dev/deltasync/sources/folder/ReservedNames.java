package dev.deltasync.sources.folder;

/** The folder source's own files inside a synced folder: never synced, never written remotely. */
final class ReservedNames {
  /** Marks the folder's root as bound to a collection; missing means "not mounted". */
  static final String MARKER = ".deltasync";

  /** The list of directories kept only for the ignored files in them ({@link KeptDirectories}). */
  static final String KEPT = ".deltasync-kept";

  /** Prefix of the temporary files writes go through. */
  static final String TEMP_PREFIX = ".deltasync-tmp-";

  /**
   * In the folder's root while a sync writes there (from its first temp file to its end): still
   * there at the next scan, it says a sync was stopped while it wrote. A temp name, so that builds
   * that do not know it leave it unsynced and remove it as a leftover.
   */
  static final String WRITING = TEMP_PREFIX + "writing";

  private ReservedNames() {}

  /** Whether a path (relative, '/'-separated) names one of the source's own files. */
  static boolean isReserved(String path) {
    if (path.equals(MARKER) || path.equals(KEPT)) {
      return true;
    }
    String name = path.substring(path.lastIndexOf('/') + 1);
    return name.startsWith(TEMP_PREFIX);
  }
}
