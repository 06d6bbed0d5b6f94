package dev.deltasync.engine.store;

import static dev.deltasync.engine.store.TestLogs.USER;
import static dev.deltasync.engine.store.TestLogs.id;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SeededRandom.class)
class DirectoryLogStoreConcurrencyTest {
  @TempDir Path root;

  @Test
  @Timeout(60)
  void threadsWithTheirOwnInstancesAppendEveryLogExactlyOnceWithoutGaps(Random random)
      throws Exception {
    int writers = 4;
    int perWriter = 15;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<Void>> done = new ArrayList<>();
      for (int w = 1; w <= writers; w++) {
        long writer = w;
        long seed = random.nextLong();
        done.add(
            pool.submit(() -> {
              Random own = new Random(seed);
              int[] moved = {0};
              try (DirectoryLogStore store = DirectoryLogStore.open(root, USER)) {
                start.await();
                for (int i = 1; i <= perWriter; i++) {
                  byte[] log =
                      own.nextBoolean()
                          ? TestLogs.log("docs", id(writer, i))
                          : TestLogs.logWithContent("docs", id(writer, i), own);
                  long sequence = AppendWorker.appendRetrying(store, "docs", log, moved);
                  assertThat(store.append("docs", 0, log))
                      .isEqualTo(new AppendResult.Appended(sequence, true));
                  assertThat(store.read("docs", sequence)).isEqualTo(log);
                }
              }
              return null;
            }));
      }
      start.countDown();
      for (Future<Void> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEveryLogLandedOnce(writers, perWriter);
  }

  @Test
  @Timeout(120)
  void separateProcessesAppendEveryLogExactlyOnceWithoutGaps() throws Exception {
    int processes = 3;
    int perProcess = 25;
    Path go = root.resolveSibling(root.getFileName() + "-go");
    DirectoryLogStore.open(root, USER).close(); // create the store before the race
    String java = ProcessHandle.current().info().command().orElse("java");
    List<Process> started = new ArrayList<>();
    try {
      for (int p = 1; p <= processes; p++) {
        started.add(
            new ProcessBuilder(
                    java,
                    "--enable-native-access=ALL-UNNAMED",
                    "-Xshare:auto",
                    "-XX:TieredStopAtLevel=1",
                    "-cp",
                    System.getProperty("java.class.path"),
                    AppendWorker.class.getName(),
                    root.toString(),
                    USER,
                    "docs",
                    Integer.toString(p),
                    Integer.toString(perProcess),
                    go.toString())
                .redirectErrorStream(true)
                .start());
      }
      Files.createFile(go);
      for (Process process : started) {
        assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("worker finished").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("worker exit; output:%n%s", output).isZero();
      }
    } finally {
      started.forEach(Process::destroyForcibly);
      Files.deleteIfExists(go);
    }
    assertEveryLogLandedOnce(processes, perProcess);
  }

  private void assertEveryLogLandedOnce(int writers, int perWriter) throws IOException {
    int total = writers * perWriter;
    try (DirectoryLogStore store = DirectoryLogStore.open(root, USER)) {
      assertThat(store.head("docs")).isEqualTo(total);
      List<LogEntry> entries = store.list("docs", 0, total + 10);
      assertThat(entries)
          .extracting(LogEntry::sequence)
          .containsExactlyElementsOf(DirectoryLogStoreTest.range(1, total));
      Set<ByteString> expected = new HashSet<>();
      for (int w = 1; w <= writers; w++) {
        for (int i = 1; i <= perWriter; i++) {
          expected.add(id(w, i));
        }
      }
      assertThat(entries).extracting(LogEntry::logId).doesNotHaveDuplicates();
      assertThat(new HashSet<>(entries.stream().map(LogEntry::logId).toList())).isEqualTo(expected);
      // each writer's own logs are in its order
      for (int w = 1; w <= writers; w++) {
        long writer = w;
        assertThat(
                entries.stream()
                    .map(LogEntry::logId)
                    .filter(logId -> logId.substring(0, 8).equals(id(writer, 0).substring(0, 8)))
                    .toList())
            .isSortedAccordingTo((a, b) ->
                Long.compare(
                    a.substring(8).asReadOnlyByteBuffer().getLong(),
                    b.substring(8).asReadOnlyByteBuffer().getLong()));
      }
    }
  }
}
