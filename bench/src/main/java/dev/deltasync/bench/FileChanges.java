package dev.deltasync.bench;

import dev.deltasync.format.v1.Change;
import dev.deltasync.format.v1.ChangeType;
import dev.deltasync.format.v1.ChunkRef;
import dev.deltasync.format.v1.ChunkSplice;
import dev.deltasync.format.v1.FileBody;
import dev.deltasync.format.v1.FileEdit;
import dev.deltasync.format.v1.Item;
import dev.deltasync.format.v1.ItemKind;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * File changes as a sync of a source tree produces them: 85% adds of files with one to six chunk
 * references, 8% chunk-list edits, 4% moves to another module, 3% deletes. Paths look like {@code
 * src/module17/internal/File123.java}.
 */
final class FileChanges {
  private static final int MODULES = 40;
  private static final List<String> ROOTS = List.of("src", "src", "src", "test", "test", "docs");
  private static final List<String> SUBDIRS = List.of("", "", "api/", "internal/", "util/");

  /** rw-r--r-- */
  private static final int MODE_FILE = 0644;

  /** rwxr-xr-x, one file in twenty. */
  private static final int MODE_EXECUTABLE = 0755;

  /** 2025-01-01T00:00:00Z; modification times fall in the year after it. */
  private static final long EPOCH_2025_SECONDS = 1_735_689_600L;

  private static final HexFormat HEX = HexFormat.of();

  private FileChanges() {}

  static List<Change> generate(Random random, int count) {
    List<Change> changes = new ArrayList<>(count);
    for (int file = 0; file < count; file++) {
      int dice = random.nextInt(100);
      Change change;
      if (dice < 85) {
        change = add(random, file);
      } else if (dice < 93) {
        change = modify(random, file);
      } else if (dice < 97) {
        change = move(random, file);
      } else {
        change = delete(random, file);
      }
      changes.add(change);
    }
    return changes;
  }

  private static Change add(Random random, int file) {
    String id = itemId(random);
    String path = path(random, random.nextInt(MODULES), file);
    List<ChunkRef> chunks = chunks(random, chunkCount(random));
    long size = 0;
    for (ChunkRef chunk : chunks) {
      size += chunk.getLength();
    }
    FileBody body =
        FileBody.newBuilder()
            .setSize(size)
            .setMode(random.nextInt(20) == 0 ? MODE_EXECUTABLE : MODE_FILE)
            .setMtimeNanos(mtimeNanos(random))
            .addAllChunks(chunks)
            .build();
    return Change.newBuilder()
        .setType(ChangeType.CHANGE_ADD)
        .setItemId(id)
        .setKind(ItemKind.KIND_FILE)
        .setPath(path)
        .setNewVersion(SampleLogs.hash(random))
        .setItem(
            Item.newBuilder().setId(id).setKind(ItemKind.KIND_FILE).setPath(path).setFile(body))
        .build();
  }

  /** An edit that replaces one chunk, and sometimes a second one further on. */
  private static Change modify(Random random, int file) {
    int first = random.nextInt(4);
    FileEdit.Builder edit =
        FileEdit.newBuilder()
            .setSize(4096 + random.nextInt(96 * 1024))
            .setMode(MODE_FILE)
            .setMtimeNanos(mtimeNanos(random))
            .addSplices(
                ChunkSplice.newBuilder()
                    .setAt(first)
                    .setRemove(1)
                    .addAllInsert(chunks(random, 1 + random.nextInt(2))));
    if (random.nextInt(4) == 0) {
      edit.addSplices(
          ChunkSplice.newBuilder()
              .setAt(first + 2 + random.nextInt(3))
              .setRemove(1)
              .addAllInsert(chunks(random, 1)));
    }
    return Change.newBuilder()
        .setType(ChangeType.CHANGE_MODIFY)
        .setItemId(itemId(random))
        .setKind(ItemKind.KIND_FILE)
        .setPath(path(random, random.nextInt(MODULES), file))
        .setBaseVersion(SampleLogs.hash(random))
        .setNewVersion(SampleLogs.hash(random))
        .setFileEdit(edit)
        .build();
  }

  /** A file moved to another module, same name. */
  private static Change move(Random random, int file) {
    int from = random.nextInt(MODULES);
    int to = (from + 1 + random.nextInt(MODULES - 1)) % MODULES;
    String root = SampleLogs.pick(random, ROOTS);
    String subdir = SampleLogs.pick(random, SUBDIRS);
    return Change.newBuilder()
        .setType(ChangeType.CHANGE_MOVE)
        .setItemId(itemId(random))
        .setKind(ItemKind.KIND_FILE)
        .setFromPath(path(root, from, subdir, file))
        .setPath(path(root, to, subdir, file))
        .setBaseVersion(SampleLogs.hash(random))
        .setNewVersion(SampleLogs.hash(random))
        .build();
  }

  private static Change delete(Random random, int file) {
    return Change.newBuilder()
        .setType(ChangeType.CHANGE_DELETE)
        .setItemId(itemId(random))
        .setKind(ItemKind.KIND_FILE)
        .setPath(path(random, random.nextInt(MODULES), file))
        .setBaseVersion(SampleLogs.hash(random))
        .build();
  }

  /** Half the files fit in one chunk; a few are large enough for six. */
  private static int chunkCount(Random random) {
    int dice = random.nextInt(100);
    if (dice < 50) {
      return 1;
    } else if (dice < 75) {
      return 2;
    } else if (dice < 90) {
      return 3;
    }
    return 4 + random.nextInt(3);
  }

  /**
   * Chunk references as FastCDC with a 16 KiB average cuts them: 4 to 28 KiB, the last one shorter.
   */
  private static List<ChunkRef> chunks(Random random, int count) {
    List<ChunkRef> chunks = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int length = i < count - 1 ? 4096 + random.nextInt(24 * 1024 + 1) : 1 + random.nextInt(16384);
      chunks.add(ChunkRef.newBuilder().setId(SampleLogs.hash(random)).setLength(length).build());
    }
    return chunks;
  }

  private static String itemId(Random random) {
    byte[] id = new byte[16];
    random.nextBytes(id);
    return HEX.formatHex(id);
  }

  private static String path(Random random, int module, int file) {
    return path(SampleLogs.pick(random, ROOTS), module, SampleLogs.pick(random, SUBDIRS), file);
  }

  private static String path(String root, int module, String subdir, int file) {
    String extension = root.equals("docs") ? ".md" : ".java";
    return root + "/module" + module + "/" + subdir + "File" + file + extension;
  }

  private static long mtimeNanos(Random random) {
    long seconds = EPOCH_2025_SECONDS + random.nextInt(365 * 24 * 3600);
    return seconds * 1_000_000_000L + random.nextInt(1_000_000_000);
  }
}
