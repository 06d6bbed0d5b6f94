package dev.deltasync.engine;

import dev.deltasync.engine.snapshot.FileStat;
import org.jspecify.annotations.Nullable;

/** What a {@link Source} did with a put or remove. */
public sealed interface ApplyResult {
  /** Done; {@code stat} is the local item's new stat (null when removed or not a file). */
  record Applied(@Nullable FileStat stat) implements ApplyResult {}

  /**
   * Nothing done: local data is not as expected, so the engine keeps it and finds the remote
   * version another place.
   *
   * @param reason what is not as expected
   * @param why the same for people: which item, what happened
   */
  record LocalChanged(Reason reason, String why) implements ApplyResult {}

  /** What about local data was not as expected. */
  enum Reason {
    /** The item differs from its expected state (changed since the scan). */
    CHANGED,
    /** The expected item is gone. */
    MISSING,
    /** Another local object is where the item must go. */
    PATH_TAKEN
  }
}
