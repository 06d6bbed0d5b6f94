package dev.deltasync.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deltasync.engine.store.AppendResult;
import dev.deltasync.engine.store.StoredChunk;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failures on the way: connections dropped or cut by a proxy in front of the storage role, answers
 * lost, a server restarted on the same port.
 */
class RetryTest {
  private static final AtomicInteger COLLECTIONS = new AtomicInteger();

  /** Patient enough to wait out a server restart (at least 4 s of waits in all). */
  static final RetryPolicy PATIENT =
      new RetryPolicy(20, Duration.ofMillis(50), Duration.ofMillis(500));

  @TempDir Path data;
  FaultProxy proxy;
  TestServer server;
  String user;
  String docs;

  @BeforeEach
  void start() throws IOException {
    proxy = new FaultProxy();
    server = TestServer.start(data, proxy.url());
    proxy.forwardTo(server.port());
    user = server.newUser();
    docs = "docs-" + COLLECTIONS.incrementAndGet();
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
    proxy.close();
  }

  @Test
  void aDroppedConnectionIsRetried() throws IOException {
    try (ServerClient client = server.device(user, "laptop");
        HttpLogStore store = HttpLogStore.open(client)) {
      assertThat(store.storage()).isEqualTo(proxy.url());
      proxy.refuseNext(2);
      assertThat(store.append(docs, 0, TestLogs.log(user, docs)))
          .isEqualTo(new AppendResult.Appended(1, false));
      assertThat(proxy.faults.get()).isEqualTo(2);
      assertThat(store.head(docs)).isEqualTo(1);
    }
  }

  @Test
  void anAppendWhoseAnswerWasLostIsRetriedAndFindsItsLog() throws IOException {
    try (ServerClient client = server.device(user, "laptop");
        HttpLogStore store = HttpLogStore.open(client)) {
      store.head(docs); // the access token is fetched, the connection open
      proxy.swallowNextAnswer();
      assertThat(store.append(docs, 0, TestLogs.log(user, docs)))
          .isEqualTo(new AppendResult.Appended(1, true));
      assertThat(proxy.faults.get()).isEqualTo(1);
      assertThat(store.head(docs)).isEqualTo(1);
    }
  }

  @Test
  void aPackUploadCutInThePartResumesWhereTheServerStopped() throws IOException {
    int part = 256 * 1024;
    ClientOptions options = server.options().withUploads(64 * 1024, part);
    try (ServerClient client = server.device(user, "laptop", options);
        HttpLogStore store = HttpLogStore.open(client)) {
      store.head(docs);
      List<StoredChunk> chunks = TestLogs.chunks(40, 24_000, 26_000);
      long packBytes = chunks.stream().mapToLong(c -> c.data().length).sum();
      long before = proxy.requestBytes.get();
      proxy.cutRequestsAfter(600_000); // in the third part
      store.putPack(chunks);
      long sent = proxy.requestBytes.get() - before;
      assertThat(proxy.faults.get()).isEqualTo(1);
      assertThat(sent)
          .as("resumed: the pack plus at most the part that was cut, not the pack twice")
          .isBetween(packBytes, packBytes + part + 50_000);
      try (HttpLogStore fresh = HttpLogStore.open(client)) {
        for (StoredChunk chunk : chunks) {
          assertThat(fresh.readChunk(chunk.id())).isEqualTo(chunk.data());
        }
      }
    }
  }

  @Test
  void aServerRestartedOnTheSamePortIsReachedAgain() throws Exception {
    ClientOptions options = server.options().withRetry(PATIENT);
    try (ServerClient client = server.device(user, "laptop", options);
        HttpLogStore store = HttpLogStore.open(client)) {
      store.append(docs, 0, TestLogs.log(user, docs));
      server.stop();
      Thread restart =
          Thread.ofPlatform()
              .start(() -> {
                try {
                  Thread.sleep(300);
                  server.restart();
                } catch (IOException | InterruptedException e) {
                  throw new IllegalStateException(e);
                }
              });
      assertThat(store.append(docs, 1, TestLogs.log(user, docs)))
          .isEqualTo(new AppendResult.Appended(2, false));
      restart.join();
      assertThat(client.heads()).containsEntry(docs, 2L);
      assertThat(store.list(docs, 0, 10)).hasSize(2);
    }
  }
}
