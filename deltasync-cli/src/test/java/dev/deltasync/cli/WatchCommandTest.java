package dev.deltasync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code deltasync watch} in-process: its arguments, and the operation started and stopped. */
class WatchCommandTest {
  @TempDir Path dir;
  final StringWriter err = new StringWriter();
  final StringWriter out = new StringWriter();

  int run(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(out, true));
    return cli.execute(args);
  }

  String home() {
    return dir.resolve("home").toString();
  }

  /** A home joined to a directory store, with {@code docs} bound to {@code folder}. */
  private Path joinedHome() {
    assertThat(run("--home", home(), "join", dir.resolve("store").toString(), "--device", "a"))
        .as(err.toString())
        .isZero();
    assertThat(run("--home", home(), "add", "docs", dir.resolve("folder").toString()))
        .as(err.toString())
        .isZero();
    err.getBuffer().setLength(0);
    return dir.resolve("folder");
  }

  @Test
  void aRescanPeriodBelowOneSecondIsRefused() {
    assertThat(run("--home", home(), "watch", "--rescan-seconds", "0")).isEqualTo(2);
    assertThat(err.toString())
        .startsWith("watch: --rescan-seconds must be from 1 to a year (31622400), not 0")
        .doesNotContain("Exception");
  }

  @Test
  void watchingAHomeThatHasNotJoinedSaysSoAndCreatesNothing() {
    assertThat(run("--home", home(), "watch")).isEqualTo(1);
    assertThat(err.toString()).startsWith("watch: the home " + home() + " has not joined a store");
    assertThat(dir.resolve("home")).doesNotExist();
  }

  @Test
  void watchingACollectionThatIsNotBoundIsRefused() {
    joinedHome();
    assertThat(run("--home", home(), "watch", "photos")).isEqualTo(2);
    assertThat(err.toString())
        .startsWith("watch: no collection \"photos\" is bound on this device (bound: docs)");
  }

  @Test
  void aLocalChangeIsSyncedAndStopEndsTheWatcher() throws Exception {
    Path folder = joinedHome();
    StringWriter log = new StringWriter();
    WatchOperation watch =
        new WatchOperation(
            new WatchOperation.Options(
                new Home(Path.of(home())),
                List.of(),
                Duration.ofSeconds(300),
                new WatchLog(new PrintWriter(log, true), false)));
    CompletableFuture<WatchOperation.Result> running =
        CompletableFuture.supplyAsync(() -> {
          try {
            return watch.execute();
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
    awaitLog(log, "(start)");
    Files.writeString(folder.resolve("new.txt"), "new");
    awaitLog(log, "docs: sent 1, applied 0");

    watch.stop();
    WatchOperation.Result result = running.get(20, TimeUnit.SECONDS);
    assertThat(result.syncs()).isGreaterThanOrEqualTo(2);
    assertThat(result.failures()).isZero();
    assertThat(watch.finished()).isTrue();
    assertThat(log.toString()).endsWith("watch: stopped" + System.lineSeparator());
    // The home's lock is free.
    assertThat(run("--home", home(), "sync")).as(err.toString()).isZero();
  }

  private static void awaitLog(StringWriter log, String text) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!log.toString().contains(text)) {
      assertThat(System.nanoTime()).as("\"%s\" in %s", text, log).isLessThan(deadline);
      Thread.sleep(10);
    }
  }
}
