package dev.deltasync.sources.records;

import dev.deltasync.engine.ForwardingSource;
import dev.deltasync.engine.Source;
import java.io.IOException;

/**
 * A source that dies right before its sync's final flush and commit, after every pulled log was
 * applied (as a process killed there would): its {@code flush} throws the simulated crash;
 * everything else, {@code checkpoint} included, goes to the wrapped source.
 */
public final class CrashBeforeCommit extends ForwardingSource {
  public static final String MESSAGE = "simulated crash before the commit";

  public CrashBeforeCommit(Source source) {
    super(source);
  }

  @Override
  public void flush() throws IOException {
    throw new IOException(MESSAGE);
  }
}
