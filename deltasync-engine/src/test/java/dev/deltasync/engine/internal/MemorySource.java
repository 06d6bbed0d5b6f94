package dev.deltasync.engine.internal;

import com.google.protobuf.ByteString;
import dev.deltasync.engine.ApplyResult;
import dev.deltasync.engine.ContentReader;
import dev.deltasync.engine.ItemVersions;
import dev.deltasync.engine.ScanContext;
import dev.deltasync.engine.Source;
import dev.deltasync.engine.snapshot.FileStat;
import dev.deltasync.engine.snapshot.SnapshotEntry;
import dev.deltasync.engine.store.ChunkId;
import dev.deltasync.format.v1.ChunkRef;
import dev.deltasync.format.v1.Component;
import dev.deltasync.format.v1.DirectoryBody;
import dev.deltasync.format.v1.FileBody;
import dev.deltasync.format.v1.Item;
import dev.deltasync.format.v1.ItemKind;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A source over a map in memory: path to file content, or to null for a directory. Path keys are
 * lower case, as on a case-insensitive file system; a file is one chunk; unchanged files are
 * reported from the snapshot, as a folder's stat cache does. Records (contacts, events) are kept by
 * UID beside the files.
 */
final class MemorySource implements Source {
  /** What is here: path to content, null for a directory; in scan order. */
  final Map<String, byte @Nullable []> items = new TreeMap<>();

  void file(String path, String content) {
    items.put(path, content.getBytes(StandardCharsets.UTF_8));
  }

  /** What records are here: UID to record, in scan order. */
  final Map<String, Item> records = new TreeMap<>();

  void directory(String path) {
    items.put(path, null);
  }

  /** Puts a record of {@code kind} with the UID {@code uid} here. */
  void record(ItemKind kind, String uid, Component record) {
    records.put(
        uid, Item.newBuilder().setKind(kind).setId(uid).setUid(uid).setRecord(record).build());
  }

  /** The record with this UID; fails when there is none. */
  Component record(String uid) {
    Item item = records.get(uid);
    if (item == null) {
      throw new AssertionError("no record " + uid + " here; there are " + records.keySet());
    }
    return item.getRecord();
  }

  @Override
  public void scan(ScanContext context) throws java.io.IOException {
    for (Map.Entry<String, byte @Nullable []> e : items.entrySet()) {
      String path = e.getKey();
      byte[] content = e.getValue();
      FileStat stat = content == null ? null : stat(content);
      Optional<SnapshotEntry> previous = context.previous(pathKey(path));
      if (previous.isPresent()
          && stat != null
          && stat.equals(previous.get().stat())
          && previous.get().item().getPath().equals(path)) {
        context.found(previous.get());
        continue;
      }
      Item item = item(path, content);
      if (content != null) {
        context.content(ChunkId.sha256(content), ByteBuffer.wrap(content));
      }
      context.found(new SnapshotEntry(item, ItemVersions.of(item), pathKey(path), stat));
    }
    for (Item record : records.values()) {
      Item found = record.toBuilder().setId("").build(); // as sources do: the engine knows ids
      context.found(
          new SnapshotEntry(found, ItemVersions.of(found), null, stat(record.toByteArray())));
    }
  }

  @Override
  public String pathKey(String path) {
    return path.toLowerCase(Locale.ROOT);
  }

  @Override
  public @Nullable String refuse(String path) {
    return null;
  }

  @Override
  public ApplyResult put(@Nullable SnapshotEntry expected, Item target, ContentReader content)
      throws java.io.IOException {
    if (target.hasRecord()) {
      return putRecord(expected, target);
    }
    if (expected != null && !expected.item().getPath().equals(target.getPath())) {
      items.remove(expected.item().getPath());
    }
    if (target.getKind() == ItemKind.KIND_DIRECTORY) {
      items.put(target.getPath(), null);
      return new ApplyResult.Applied(null);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (ChunkRef ref : target.getFile().getChunksList()) {
      bytes.write(content.chunk(ChunkId.of(ref.getId())));
    }
    items.put(target.getPath(), bytes.toByteArray());
    return new ApplyResult.Applied(stat(bytes.toByteArray()));
  }

  private ApplyResult putRecord(@Nullable SnapshotEntry expected, Item target) {
    Item here = records.get(target.getUid());
    if (expected == null && here != null && !here.getRecord().equals(target.getRecord())) {
      return new ApplyResult.LocalChanged(
          ApplyResult.Reason.PATH_TAKEN, "another record has UID " + target.getUid());
    }
    if (expected != null
        && (here == null || !here.getRecord().equals(expected.item().getRecord()))) {
      return new ApplyResult.LocalChanged(
          here == null ? ApplyResult.Reason.MISSING : ApplyResult.Reason.CHANGED,
          "record " + target.getUid() + " changed here");
    }
    Item stored = target.toBuilder().setId(target.getUid()).build();
    records.put(target.getUid(), stored);
    return new ApplyResult.Applied(stat(stored.toByteArray()));
  }

  @Override
  public ApplyResult remove(SnapshotEntry expected) {
    if (expected.item().hasRecord()) {
      records.remove(expected.item().getUid());
    } else {
      items.remove(expected.item().getPath());
    }
    return new ApplyResult.Applied(null);
  }

  @Override
  public void close() {}

  private static Item item(String path, byte @Nullable [] content) {
    Item.Builder item = Item.newBuilder().setPath(path);
    if (content == null) {
      return item.setKind(ItemKind.KIND_DIRECTORY)
          .setDirectory(DirectoryBody.newBuilder().setMode(0755))
          .build();
    }
    return item.setKind(ItemKind.KIND_FILE)
        .setFile(
            FileBody.newBuilder()
                .setSize(content.length)
                .setMode(0644)
                .addChunks(
                    ChunkRef.newBuilder()
                        .setId(ByteString.copyFrom(ChunkId.sha256(content).toBytes()))
                        .setLength(content.length)))
        .build();
  }

  /** A stat that changes with the content, as an mtime would. */
  private static FileStat stat(byte[] content) {
    return new FileStat(content.length, Arrays.hashCode(content), 0);
  }
}
