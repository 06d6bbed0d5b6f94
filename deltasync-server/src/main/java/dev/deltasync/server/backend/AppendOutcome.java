package dev.deltasync.server.backend;

/** What an append did. */
public sealed interface AppendOutcome {
  /**
   * The log is in the collection at {@code sequence}, durable and visible.
   *
   * @param duplicate true when a log with the same id was there already (a retry): nothing was
   *     written and {@code sequence} is the first append's
   */
  record Appended(long sequence, boolean duplicate) implements AppendOutcome {}

  /**
   * Nothing was written: the collection has a log with this id at {@code sequence} whose bytes
   * differ. Log ids are chosen at random once per log; a writer must not reuse one.
   */
  record IdReused(long sequence) implements AppendOutcome {}

  /** Nothing was written: the head is {@code head}, not the expected one. */
  record HeadMoved(long head) implements AppendOutcome {}

  /**
   * Nothing was written: the lease check failed.
   *
   * @param reason for the client: which fencing number is current, or who holds the lease
   */
  record Fenced(String reason) implements AppendOutcome {}
}
