package dev.deltasync.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Compare-and-set appends from many concurrent clients: each log lands once, without gaps. */
class ConcurrentAppendTest {
  private static final String PASSWORD = "correct horse battery";

  @TempDir static Path data;
  private static TestServer server;
  private static String access;

  @BeforeAll
  static void start() {
    server = TestServer.start(data);
    server.createUser("alice", PASSWORD);
    access = server.access(server.device("alice", PASSWORD, "laptop"));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  /**
   * Appends at the head the client believes in, learning the new head from each refusal, until the
   * log lands; returns its sequence.
   */
  static long appendRetrying(TestServer server, String access, String collection, byte[] log) {
    long head = 0;
    for (int attempt = 0; attempt < 10_000; attempt++) {
      Http.Reply reply = server.append(access, collection, head, log);
      if (reply.status() == 201) {
        return reply.json().get("sequence").asLong();
      }
      assertThat(reply.status()).as("append: %s", reply).isEqualTo(409);
      assertThat(reply.problem()).isEqualTo("head-moved");
      head = reply.json().get("head").asLong();
    }
    throw new AssertionError("the log never landed");
  }

  /** Runs {@code tasks} at once on their own threads and returns their results in order. */
  static <T> List<T> together(List<Callable<T>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> task : tasks) {
        futures.add(
            pool.submit(() -> {
              start.await();
              return task.call();
            }));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get(60, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @Timeout(60)
  void concurrentAppendersEachLandEveryLogExactlyOnceWithoutGaps() throws Exception {
    int writers = 8;
    int perWriter = 12;
    List<Callable<List<Long>>> tasks = new ArrayList<>();
    for (int w = 1; w <= writers; w++) {
      long writer = w;
      tasks.add(() -> {
        List<Long> sequences = new ArrayList<>();
        for (int i = 1; i <= perWriter; i++) {
          byte[] log = TestLogs.log("alice", "race", TestLogs.logId(writer, i));
          long sequence = appendRetrying(server, access, "race", log);
          sequences.add(sequence);
          // A retry of the same log is answered with its sequence.
          Http.Reply again = server.append(access, "race", 0, log);
          assertThat(again.status()).isEqualTo(200);
          assertThat(again.json().get("sequence").asLong()).isEqualTo(sequence);
        }
        return sequences;
      });
    }

    List<List<Long>> results = together(tasks);

    int total = writers * perWriter;
    assertEveryLogLandedOnce(server, access, "race", writers, perWriter);
    for (List<Long> sequences : results) {
      assertThat(sequences).isSorted().doesNotHaveDuplicates();
    }
    assertThat(results.stream().flatMap(List::stream).sorted().toList())
        .containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
  }

  @Test
  @Timeout(60)
  void theSameLogSentByManyClientsAtOnceLandsOnce() throws Exception {
    byte[] log = TestLogs.log("alice", "same-log", TestLogs.logId(99, 1));
    List<Callable<Http.Reply>> tasks = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      tasks.add(() -> server.append(access, "same-log", 0, log));
    }

    List<Http.Reply> replies = together(tasks);

    assertThat(replies).extracting(Http.Reply::status).containsOnlyOnce(201).containsOnly(201, 200);
    for (Http.Reply reply : replies) {
      assertThat(reply.json().get("sequence").asLong()).isEqualTo(1);
    }
    assertThat(server.head(access, "same-log")).isEqualTo(1);
  }

  /** Sequences 1..total, each (writer, i) log id exactly once, each writer's logs in its order. */
  static void assertEveryLogLandedOnce(
      TestServer server, String access, String collection, int writers, int perWriter) {
    int total = writers * perWriter;
    assertThat(server.head(access, collection)).isEqualTo(total);
    JsonNode logs =
        server.http.get(TestServer.logs(collection)).bearer(access).send().json().get("logs");
    List<Long> sequences = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (JsonNode log : logs) {
      sequences.add(log.get("sequence").asLong());
      ids.add(log.get("logId").asText());
    }
    assertThat(sequences)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
    Set<String> expected = new HashSet<>();
    for (int w = 1; w <= writers; w++) {
      List<String> own = new ArrayList<>();
      for (int i = 1; i <= perWriter; i++) {
        String id = TestLogs.hex(TestLogs.logId(w, i));
        expected.add(id);
        own.add(id);
      }
      assertThat(ids.stream().filter(own::contains).toList()).containsExactlyElementsOf(own);
    }
    assertThat(ids).doesNotHaveDuplicates();
    assertThat(new HashSet<>(ids)).isEqualTo(expected);
  }
}
