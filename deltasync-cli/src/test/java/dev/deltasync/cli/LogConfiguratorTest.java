package dev.deltasync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.ConsoleAppender;
import java.nio.charset.StandardCharsets;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class LogConfiguratorTest {
  @Test
  void logbackFindsItAsAService() {
    assertThat(ServiceLoader.load(Configurator.class))
        .anyMatch(configurator -> configurator instanceof LogConfigurator);
  }

  @Test
  void deltasyncLogsInfoAndEverythingElseWarningsAsJsonLinesOnStderr() {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    LogConfigurator configurator = new LogConfigurator();
    configurator.setContext(context);

    assertThat(configurator.configure(context))
        .isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);

    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertThat(root.getLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("org.eclipse.jetty.server").getEffectiveLevel())
        .isEqualTo(Level.WARN);
    LoggerContext debugging = new LoggerContext();
    configurator.configure(debugging, "debug"); // DELTASYNC_LOG_LEVEL=debug
    assertThat(debugging.getLogger("dev.deltasync.server.access").getEffectiveLevel())
        .isEqualTo(Level.DEBUG);
    assertThat(debugging.getLogger("org.eclipse.jetty.server").getEffectiveLevel())
        .isEqualTo(Level.WARN);
    LoggerContext unset = new LoggerContext();
    configurator.configure(unset, null);
    assertThat(unset.getLogger("dev.deltasync.server.access").getEffectiveLevel())
        .isEqualTo(Level.INFO);
    assertThat(root.getAppender("STDERR"))
        .isInstanceOfSatisfying(
            ConsoleAppender.class,
            appender -> {
              assertThat(appender.getTarget()).isEqualTo("System.err");
              assertThat(appender.getEncoder()).isInstanceOf(JsonEncoder.class);
              assertThat(appender.isStarted()).isTrue();
            });

    @SuppressWarnings("unchecked")
    ConsoleAppender<ILoggingEvent> appender =
        (ConsoleAppender<ILoggingEvent>) root.getAppender("STDERR");
    ch.qos.logback.classic.spi.LoggingEvent event =
        new ch.qos.logback.classic.spi.LoggingEvent(
            "x",
            context.getLogger("dev.deltasync.x"),
            Level.INFO,
            "hello {}",
            null,
            new Object[] {"there"});
    String line = new String(appender.getEncoder().encode(event), StandardCharsets.UTF_8);
    assertThat(line)
        .startsWith("{")
        .endsWith("}\n")
        .contains("\"formattedMessage\":\"hello there\"")
        .doesNotContain("\"arguments\"");
  }

  @Test
  void theLevelComesFromTheEnvironmentValueInAnyCaseAndDefaultsToInfo() {
    assertThat(LogConfigurator.level("debug")).isEqualTo(Level.DEBUG);
    assertThat(LogConfigurator.level(" WARN ")).isEqualTo(Level.WARN);
    assertThat(LogConfigurator.level(null)).isEqualTo(Level.INFO);
    assertThat(LogConfigurator.level("")).isEqualTo(Level.INFO);
    assertThat(LogConfigurator.level("loud")).isEqualTo(Level.INFO);
  }

  @Test
  void aLogbackFileNamedOnTheCommandLineIsLeftToLogback() {
    String before = System.getProperty("logback.configurationFile");
    System.setProperty("logback.configurationFile", "/etc/deltasync/logback.xml");
    try {
      LoggerContext context = new LoggerContext();
      LogConfigurator configurator = new LogConfigurator();
      configurator.setContext(context);
      assertThat(configurator.configure(context))
          .isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
      assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR")).isNull();
    } finally {
      if (before == null) {
        System.clearProperty("logback.configurationFile");
      } else {
        System.setProperty("logback.configurationFile", before);
      }
    }
  }
}
