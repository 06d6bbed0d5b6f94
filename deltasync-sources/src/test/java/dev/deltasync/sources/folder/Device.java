package dev.deltasync.sources.folder;

import dev.deltasync.engine.SyncOperation;
import dev.deltasync.engine.SyncOptions;
import dev.deltasync.engine.SyncResult;
import dev.deltasync.engine.snapshot.SnapshotStore;
import dev.deltasync.engine.store.LogStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/** One simulated device: a home with its snapshot, a folder, and a shared store. */
final class Device {
  final String name;
  final Path home;
  final Path folder;
  final LogStore store;
  private final Supplier<String> newIds;
  private long clockMillis = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli();

  Device(String name, Path base, LogStore store) {
    this(name, base, store, () -> UUID.randomUUID().toString());
  }

  Device(String name, Path base, LogStore store, Supplier<String> newIds) {
    this.name = name;
    this.home = base.resolve(name + "-home");
    this.folder = base.resolve(name + "-folder");
    this.store = store;
    this.newIds = newIds;
  }

  SyncResult sync() throws IOException {
    return sync(UnaryOperator.identity());
  }

  SyncResult sync(UnaryOperator<SyncOptions> tweak) throws IOException {
    clockMillis += 1000;
    try (SnapshotStore snapshot = SnapshotStore.open(home.resolve("docs.snapshot.db"));
        FolderSource source = FolderSource.open(folder)) {
      SyncOptions options =
          SyncOptions.of("alice", name, "docs", source, snapshot, store)
              .withClock(Clock.fixed(Instant.ofEpochMilli(clockMillis), ZoneOffset.UTC))
              .withNewIds(newIds);
      return new SyncOperation(tweak.apply(options)).execute();
    }
  }

  Path write(String path, String content) throws IOException {
    return write(path, content.getBytes(StandardCharsets.UTF_8));
  }

  Path write(String path, byte[] content) throws IOException {
    Path file = folder.resolve(path);
    Files.createDirectories(file.getParent());
    Files.write(file, content);
    return file;
  }

  String read(String path) throws IOException {
    return Files.readString(folder.resolve(path), StandardCharsets.UTF_8);
  }

  boolean exists(String path) {
    return Files.exists(folder.resolve(path), LinkOption.NOFOLLOW_LINKS);
  }

  /** Deletes {@code path} and, if it is a directory, everything in it. */
  void deleteTree(String path) throws IOException {
    try (Stream<Path> all = Files.walk(folder.resolve(path))) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /**
   * Every path in the folder (but the source's own files in the root: its marker and its list of
   * kept directories) with a description of what it is.
   */
  Map<String, String> tree() throws IOException {
    Map<String, String> tree = new TreeMap<>();
    try (Stream<Path> all = Files.walk(folder)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        String rel = folder.relativize(p).toString();
        if (rel.isEmpty() || rel.equals(".deltasync") || rel.equals(".deltasync-kept")) {
          continue;
        }
        if (Files.isSymbolicLink(p)) {
          tree.put(rel, "link -> " + Files.readSymbolicLink(p));
        } else if (Files.isDirectory(p)) {
          tree.put(rel, "dir");
        } else {
          byte[] bytes = Files.readAllBytes(p);
          String exec = Files.isExecutable(p) ? " +x" : "";
          tree.put(
              rel,
              bytes.length > 64
                  ? bytes.length
                      + " bytes "
                      + dev.deltasync.engine.store.ChunkId.sha256(bytes)
                      + exec
                  : new String(bytes, StandardCharsets.UTF_8) + exec);
        }
      }
    }
    return tree;
  }
}
