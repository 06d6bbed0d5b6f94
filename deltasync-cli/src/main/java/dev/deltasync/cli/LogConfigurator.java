package dev.deltasync.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The command's logging, set up in code rather than from an XML file (parsing one took about a
 * tenth of a second of every command's start): one JSON object per line on stderr. {@code
 * DELTASYNC_LOG_LEVEL} sets the level of deltasync's own loggers (default INFO; the server's access
 * log writes each request at DEBUG); everything else logs warnings and errors only. A logback file
 * named with {@code -Dlogback.configurationFile} is used instead, as logback documents.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogConfigurator extends ContextAwareBase implements Configurator {
  /** The environment variable with the level of deltasync's loggers. */
  static final String LEVEL_VARIABLE = "DELTASYNC_LOG_LEVEL";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    return configure(context, System.getenv(LEVEL_VARIABLE));
  }

  /** As logback calls it, with {@code levelValue} for the environment variable's value. */
  ExecutionStatus configure(LoggerContext context, @Nullable String levelValue) {
    if (System.getProperty("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(context);
    encoder.setWithFormattedMessage(true);
    encoder.setWithMessage(false);
    encoder.setWithArguments(false);
    encoder.setWithContext(false);
    encoder.setWithSequenceNumber(false);
    encoder.setWithNanoseconds(false);
    encoder.start();

    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();

    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    root.addAppender(stderr);
    context.getLogger("org.eclipse.jetty").setLevel(Level.WARN);
    context.getLogger("dev.deltasync").setLevel(level(levelValue));
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** The level a {@code DELTASYNC_LOG_LEVEL} value names; INFO when unset or not a level. */
  static Level level(@Nullable String value) {
    return value == null || value.isBlank()
        ? Level.INFO
        : Level.toLevel(value.strip().toUpperCase(Locale.ROOT), Level.INFO);
  }
}
