package dev.deltasync.server;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/** Collects every log event of this JVM (at the levels logback-test.xml lets through) as text. */
final class LogCapture implements AutoCloseable {
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  LogCapture() {
    appender.start();
    root.addAppender(appender);
  }

  /** Each event as one line: logger, message, key-value pairs, exception with its stack. */
  List<String> lines() {
    List<String> lines = new ArrayList<>();
    List<ILoggingEvent> events;
    synchronized (appender) { // AppenderBase appends under this lock
      events = List.copyOf(appender.list);
    }
    for (ILoggingEvent event : events) {
      StringBuilder line =
          new StringBuilder(event.getLoggerName()).append(' ').append(event.getFormattedMessage());
      if (event.getKeyValuePairs() != null) {
        for (KeyValuePair pair : event.getKeyValuePairs()) {
          line.append(' ').append(pair.key).append('=').append(pair.value);
        }
      }
      if (event.getThrowableProxy() != null) {
        line.append(' ').append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
      }
      lines.add(line.toString());
    }
    return lines;
  }

  /**
   * Every line, once {@code logger} has written at least {@code count}, waiting up to 10 s: a
   * request's access-log line is written after its answer, so a client can have the answer before
   * the line exists.
   */
  List<String> awaitLines(String logger, int count) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    List<String> lines = lines();
    while (lines.stream().filter(line -> line.startsWith(logger + " ")).count() < count
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
      lines = lines();
    }
    return lines;
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
  }
}
