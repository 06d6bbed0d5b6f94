package dev.deltasync.engine;

import dev.deltasync.engine.snapshot.FileStat;
import org.jspecify.annotations.Nullable;

/** What a {@link Source} did with a put or remove. */
public sealed interface ApplyResult {
  /** Done; {@code stat} is the local item's new stat (null when removed or not a file). */
  record Applied(@Nullable FileStat stat) implements ApplyResult {}

  /** Nothing done: local data changed since the scan, so the engine treats it as a conflict. */
  record LocalChanged(String why) implements ApplyResult {}
}
