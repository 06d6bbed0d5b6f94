package dev.deltasync.engine.store;

/** What {@link LogStore#append} did. */
public sealed interface AppendResult {
  /**
   * The log is in the store at {@code sequence}.
   *
   * @param duplicate true when a log with the same id was appended before (a retry): nothing was
   *     written and {@code sequence} is where the first append put it
   */
  record Appended(long sequence, boolean duplicate) implements AppendResult {}

  /** Nothing was written: the head is {@code head}, not the expected one. Pull, then retry. */
  record HeadMoved(long head) implements AppendResult {}
}
