package dev.deltasync.client;

import dev.deltasync.engine.SyncOperation;
import dev.deltasync.engine.SyncOptions;
import dev.deltasync.engine.SyncResult;
import dev.deltasync.engine.snapshot.SnapshotStore;
import dev.deltasync.engine.store.ChunkId;
import dev.deltasync.sources.folder.FolderSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One device syncing a folder through a server: its own home (snapshot), folder, client and store,
 * and a clock that moves a second per sync.
 */
final class ServerDevice implements AutoCloseable {
  final String name;
  final String collection;
  final Path home;
  final Path folder;
  final ServerClient client;
  final HttpLogStore store;
  private Instant now = Instant.parse("2026-11-22T10:00:00Z");

  ServerDevice(String name, String collection, Path base, ServerClient client) throws IOException {
    this.name = name;
    this.collection = collection;
    this.home = Files.createDirectories(base.resolve(name + "-home"));
    this.folder = Files.createDirectories(base.resolve(name + "-folder"));
    this.client = client;
    this.store = HttpLogStore.open(client);
  }

  SyncResult sync() throws IOException {
    return sync(store);
  }

  /** Syncs holding the collection's lease, with its fencing number on every append. */
  SyncResult syncUnderLease() throws IOException {
    Lease lease = client.acquireLease(collection, Duration.ofSeconds(30));
    try {
      return sync(store.withLease(lease));
    } finally {
      client.releaseLease(lease);
    }
  }

  private SyncResult sync(HttpLogStore through) throws IOException {
    now = now.plusSeconds(1);
    try (SnapshotStore snapshot = SnapshotStore.open(home.resolve("snapshot.db"));
        FolderSource source = FolderSource.open(folder)) {
      SyncOptions options =
          SyncOptions.of(store.user(), name, collection, source, snapshot, through)
              .withClock(Clock.fixed(now, ZoneOffset.UTC));
      return new SyncOperation(options).execute();
    }
  }

  Path write(String path, String content) throws IOException {
    return write(path, content.getBytes(StandardCharsets.UTF_8));
  }

  Path write(String path, byte[] content) throws IOException {
    Path file = folder.resolve(path);
    Files.createDirectories(file.getParent());
    return Files.write(file, content);
  }

  String read(String path) throws IOException {
    return Files.readString(folder.resolve(path));
  }

  boolean exists(String path) {
    return Files.exists(folder.resolve(path));
  }

  void delete(String path) throws IOException {
    try (Stream<Path> all = Files.walk(folder.resolve(path))) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  void move(String from, String to) throws IOException {
    Path target = folder.resolve(to);
    Files.createDirectories(target.getParent());
    Files.move(folder.resolve(from), target);
  }

  /** What the folder holds: each path with its content (or its size and hash when big). */
  Map<String, String> tree() throws IOException {
    Map<String, String> tree = new TreeMap<>();
    try (Stream<Path> all = Files.walk(folder)) {
      for (Path p : all.toList()) {
        String rel = folder.relativize(p).toString();
        if (rel.isEmpty() || rel.startsWith(".deltasync")) {
          continue;
        }
        if (Files.isDirectory(p)) {
          tree.put(rel, "dir");
        } else {
          byte[] bytes = Files.readAllBytes(p);
          tree.put(
              rel,
              bytes.length > 100
                  ? bytes.length + " bytes " + ChunkId.sha256(bytes)
                  : new String(bytes, StandardCharsets.UTF_8));
        }
      }
    }
    return tree;
  }

  @Override
  public void close() {
    store.close();
    client.close();
  }
}
