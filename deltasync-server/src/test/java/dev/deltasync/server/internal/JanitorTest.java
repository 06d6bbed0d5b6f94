package dev.deltasync.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deltasync.server.backend.BlobStore;
import dev.deltasync.server.backend.MetadataBackend;
import dev.deltasync.server.backend.SnapshotRecord;
import dev.deltasync.server.backend.embedded.EmbeddedBackend;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The janitor removes abandoned uploads and superseded snapshots, and nothing else. */
class JanitorTest {
  @TempDir Path data;
  private final AtomicLong now = new AtomicLong(Duration.ofDays(1000).toMillis());
  private EmbeddedBackend backend;
  private MetadataBackend metadata;
  private BlobStore blobs;
  private Janitor janitor;
  private long user;

  @BeforeEach
  void open() throws IOException {
    backend = EmbeddedBackend.open(data, now::get);
    metadata = backend.metadata();
    blobs = backend.blobs();
    janitor = new Janitor(metadata, blobs, now::get);
    user = metadata.createUser("alice", "not-a-real-hash").id();
  }

  @AfterEach
  void close() throws IOException {
    janitor.close();
    backend.close();
  }

  private void stage(String upload, String key, long startedMillis) throws IOException {
    metadata.createUpload(user, upload, key, startedMillis);
    blobs.appendStaged(key, 0, bytes("half a pack"), 1024);
  }

  private void snapshot(long sequence, String blob) throws IOException {
    blobs.publish(blob, bytes("snapshot " + sequence), 1024);
    assertThat(metadata.putSnapshot(user, "docs", new SnapshotRecord(sequence, blob, 10, "d")))
        .isEmpty();
  }

  private static ByteArrayInputStream bytes(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void anUploadStartedMoreThanADayAgoIsRemovedWithItsBytesAndAFreshOneStays() throws IOException {
    stage("old", "staging/old", now.get() - Janitor.UPLOAD_MAX_AGE.toMillis() - 1);
    stage("fresh", "staging/fresh", now.get() - Duration.ofHours(1).toMillis());

    assertThat(janitor.sweep()).isEqualTo(new Janitor.Swept(1, 0));

    assertThat(metadata.upload(user, "old")).isEmpty();
    assertThatThrownBy(() -> blobs.openStaged("staging/old").close())
        .isInstanceOf(IOException.class);
    assertThat(metadata.upload(user, "fresh")).contains("staging/fresh");
    assertThat(blobs.stagedSize("staging/fresh")).isEqualTo(11);
    assertThat(janitor.sweep()).isEqualTo(new Janitor.Swept(0, 0));
  }

  @Test
  void snapshotsOlderThanTheTwoNewestOfACollectionAreRemovedWithTheirBlobs() throws IOException {
    snapshot(3, "snapshots/a");
    snapshot(7, "snapshots/b");
    snapshot(9, "snapshots/c");

    assertThat(janitor.sweep()).isEqualTo(new Janitor.Swept(0, 1));

    assertThatThrownBy(() -> blobs.open("snapshots/a", 0)).isInstanceOf(IOException.class);
    blobs.open("snapshots/b", 0).close();
    blobs.open("snapshots/c", 0).close();
    assertThat(metadata.latestSnapshot(user, "docs").orElseThrow().blob()).isEqualTo("snapshots/c");
  }

  @Test
  void aSnapshotReplacedAtTheSameSequenceHandsBackTheOldBlob() throws IOException {
    snapshot(4, "snapshots/first");
    blobs.publish("snapshots/second", bytes("again"), 1024);
    assertThat(
            metadata.putSnapshot(user, "docs", new SnapshotRecord(4, "snapshots/second", 5, "d")))
        .contains("snapshots/first");
    assertThat(metadata.latestSnapshot(user, "docs").orElseThrow().blob())
        .isEqualTo("snapshots/second");
  }
}
