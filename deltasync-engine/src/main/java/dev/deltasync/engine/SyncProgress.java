package dev.deltasync.engine;

/**
 * Hears how far a sync has come, for a progress bar or a log. Every method does nothing unless
 * overridden.
 *
 * <p>A sync calls its listener from the sync's own thread only, in order, and often (once per item
 * scanned): a listener must return quickly and must not throw; what it throws fails the sync.
 *
 * <p>Each phase is started once, advanced any number of times and ended once per successful sync;
 * phases overlap: {@link Phase#UPLOAD} runs from the start of {@link Phase#SCAN} (content is sent
 * as it is read) to the end of the sync. A sync that fails ends no phase after the failure.
 */
public interface SyncProgress {
  /** Hears nothing. */
  SyncProgress NONE = new SyncProgress() {};

  /** A part of a sync, with what its items and bytes count. */
  enum Phase {
    /** Reading local data: items found, and bytes of content read by the source. */
    SCAN,
    /** Sending to the store: changes in the logs pushed, and bytes of content and logs sent. */
    UPLOAD,
    /** Reading from the store: logs read, and bytes of logs and content read. */
    DOWNLOAD,
    /** Reconciling the logs read with local data: changes reconciled; no bytes. */
    APPLY
  }

  /**
   * A phase begins.
   *
   * @param totalItems how many items it will count, or -1 when not known
   * @param totalBytes how many bytes it will count, or -1 when not known
   */
  default void start(Phase phase, long totalItems, long totalBytes) {}

  /**
   * A started phase's totals as far as the sync knows them now; each call replaces the totals of
   * {@link #start} and of earlier calls (-1: still not known). They grow while the sync learns
   * more: {@link Phase#SCAN} starts with the items of the last sync (an estimate); {@link
   * Phase#DOWNLOAD} and {@link Phase#APPLY} grow as logs are listed and read (log bytes, the
   * content their new files need at most, changes); {@link Phase#UPLOAD} learns its changes when
   * the push begins.
   */
  default void total(Phase phase, long totalItems, long totalBytes) {}

  /** A started phase counted {@code items} more items and {@code bytes} more bytes. */
  default void advance(Phase phase, long items, long bytes) {}

  /** A phase is done. */
  default void end(Phase phase) {}
}
