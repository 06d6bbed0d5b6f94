package dev.deltasync.sources.folder;

import dev.deltasync.engine.ItemVersions;
import dev.deltasync.engine.chunk.FastCdc;
import dev.deltasync.engine.snapshot.FileStat;
import dev.deltasync.engine.snapshot.SnapshotEntry;
import dev.deltasync.engine.store.ChunkId;
import dev.deltasync.format.v1.ChunkRef;
import dev.deltasync.format.v1.DirectoryBody;
import dev.deltasync.format.v1.FileBody;
import dev.deltasync.format.v1.Item;
import dev.deltasync.format.v1.ItemKind;
import dev.deltasync.format.v1.SymlinkBody;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** Reads one local object as an item of the universal format. */
final class FileReader {
  /** Receives the content read, chunk by chunk. */
  interface ContentSink {
    void accept(ChunkId id, ByteBuffer data) throws IOException;
  }

  private static final int MAX_ATTEMPTS = 3;

  private final FastCdc chunker = FastCdc.withDefaults();
  private final PathKeys keys;

  FileReader(PathKeys keys) {
    this.keys = keys;
  }

  static FileStat stat(BasicFileAttributes attributes) {
    Object key = attributes.fileKey();
    return new FileStat(
        attributes.size(),
        attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS),
        key == null ? 0 : key.hashCode());
  }

  static BasicFileAttributes attributes(Path file) throws IOException {
    return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Reads the object at {@code file} (relative path {@code path}); null when it is gone or is
   * neither a file, a directory nor a symbolic link.
   */
  @Nullable SnapshotEntry read(Path file, String path, @Nullable ContentSink sink)
      throws IOException {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      BasicFileAttributes before;
      try {
        before = attributes(file);
      } catch (java.nio.file.NoSuchFileException e) {
        return null;
      }
      Item.Builder item = Item.newBuilder().setPath(path);
      if (before.isSymbolicLink()) {
        item.setKind(ItemKind.KIND_SYMLINK)
            .setSymlink(
                SymlinkBody.newBuilder().setTarget(Files.readSymbolicLink(file).toString()));
        return entry(item.build(), null);
      }
      if (before.isDirectory()) {
        item.setKind(ItemKind.KIND_DIRECTORY)
            .setDirectory(DirectoryBody.newBuilder().setMode(mode(file)));
        return entry(item.build(), null);
      }
      if (!before.isRegularFile()) {
        return null;
      }
      FileBody.Builder body = FileBody.newBuilder();
      long size;
      try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
        size =
            chunker.chunk(
                in,
                (chunk, data) -> {
                  body.addChunks(
                      ChunkRef.newBuilder()
                          .setId(chunk.id().toByteString())
                          .setLength(chunk.length()));
                  if (sink != null) {
                    sink.accept(chunk.id(), data);
                  }
                });
      }
      BasicFileAttributes after = attributes(file);
      FileStat stat = stat(after);
      if (!stat.equals(stat(before)) || size != after.size()) {
        continue; // written to while we read it: read it again
      }
      body.setSize(size).setMode(mode(file)).setMtimeNanos(stat.mtimeNanos());
      return entry(item.setKind(ItemKind.KIND_FILE).setFile(body).build(), stat);
    }
    throw new IOException(
        file
            + " changed every time it was read ("
            + MAX_ATTEMPTS
            + " times); sync again when it is quiet");
  }

  SnapshotEntry entry(Item item, @Nullable FileStat stat) {
    return new SnapshotEntry(item, ItemVersions.of(item), keys.of(item.getPath()), stat);
  }

  static int mode(Path file) throws IOException {
    try {
      return mode(Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
    } catch (UnsupportedOperationException e) {
      return 0;
    }
  }

  /** POSIX permission bits as a number (0644 ...). */
  static int mode(PosixFileAttributes attributes) {
    int mode = 0;
    for (PosixFilePermission p : attributes.permissions()) {
      mode |= 1 << (8 - p.ordinal());
    }
    return mode;
  }
}
