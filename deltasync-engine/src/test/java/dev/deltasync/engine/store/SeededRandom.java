package dev.deltasync.engine.store;

import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Gives a test method a {@link Random} parameter with a fresh seed (or {@code -Ddeltasync.seed=N})
 * and prints the seed when the test fails, so the failure can be replayed.
 */
final class SeededRandom implements ParameterResolver, TestWatcher {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(SeededRandom.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Random.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    long seed = Long.getLong("deltasync.seed", System.nanoTime());
    context.getStore(NAMESPACE).put("seed", seed);
    return new Random(seed);
  }

  @Override
  public void testFailed(ExtensionContext context, @Nullable Throwable cause) {
    Long seed = context.getStore(NAMESPACE).get("seed", Long.class);
    if (seed != null) {
      System.err.println(
          context.getDisplayName()
              + " failed with seed "
              + seed
              + ": rerun with -Ddeltasync.seed="
              + seed);
    }
  }
}
