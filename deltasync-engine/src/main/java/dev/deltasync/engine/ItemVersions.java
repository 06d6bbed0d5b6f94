package dev.deltasync.engine;

import com.google.protobuf.ByteString;
import dev.deltasync.engine.store.ChunkId;
import dev.deltasync.format.v1.ChunkRef;
import dev.deltasync.format.v1.Item;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The version of an item: SHA-256 over what a sync must carry — content and the metadata that is
 * synced — and nothing else. Ids, paths and modification times are not part of it, so a moved file
 * keeps its version (which is how moves are recognised) and a touched file stays unchanged.
 */
public final class ItemVersions {
  private ItemVersions() {}

  /** The version of {@code item}. */
  public static ByteString of(Item item) {
    MessageDigest digest = ChunkId.newDigest();
    ByteBuffer number = ByteBuffer.allocate(Long.BYTES);
    digest.update((byte) item.getKindValue());
    switch (item.getBodyCase()) {
      case FILE -> {
        digest.update((byte) (isExecutable(item.getFile().getMode()) ? 1 : 0));
        digest.update(number.putLong(0, item.getFile().getSize()).array());
        for (ChunkRef ref : item.getFile().getChunksList()) {
          digest.update(ref.getId().toByteArray());
        }
      }
      case SYMLINK -> digest.update(item.getSymlink().getTarget().getBytes(StandardCharsets.UTF_8));
      case RECORD -> digest.update(item.getRecord().toByteArray());
      case DIRECTORY, BODY_NOT_SET -> {}
    }
    return ByteString.copyFrom(digest.digest());
  }

  /** Whether any execute bit is set in POSIX {@code mode}. */
  public static boolean isExecutable(int mode) {
    return (mode & 0111) != 0;
  }
}
