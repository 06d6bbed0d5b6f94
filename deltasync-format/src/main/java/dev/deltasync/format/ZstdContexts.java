package dev.deltasync.format;

import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * zstd contexts kept for the next chunk: making one for every call ({@code Zstd.compress}, {@code
 * Zstd.decompressByteArray}) costs about 10 µs, more than compressing a chunk's first 4 KiB. At
 * most {@link #KEPT} of each kind wait, for the life of the process; a context is used by one
 * thread at a time, and one more than are waiting is made and freed at once. Each call sets the
 * compression level it needs; nothing else is set, so a kept context compresses as a new one.
 */
final class ZstdContexts {
  static final int KEPT = 4;

  private static final ArrayBlockingQueue<ZstdCompressCtx> COMPRESS =
      new ArrayBlockingQueue<>(KEPT);
  private static final ArrayBlockingQueue<ZstdDecompressCtx> DECOMPRESS =
      new ArrayBlockingQueue<>(KEPT);

  private ZstdContexts() {}

  /**
   * Compresses {@code src[srcOffset, srcOffset + srcLength)} into {@code dst} at {@code level};
   * returns the compressed size. Throws {@code ZstdException} when it does not fit in {@code dst}.
   */
  static int compress(byte[] dst, byte[] src, int srcOffset, int srcLength, int level) {
    ZstdCompressCtx ctx = COMPRESS.poll();
    if (ctx == null) {
      ctx = new ZstdCompressCtx();
    }
    try {
      ctx.setLevel(level);
      return ctx.compressByteArray(dst, 0, dst.length, src, srcOffset, srcLength);
    } finally {
      try {
        ctx.reset(); // a failed call leaves nothing behind for the next
      } catch (RuntimeException e) {
        ctx.close();
        ctx = null;
      }
      if (ctx != null && !COMPRESS.offer(ctx)) {
        ctx.close();
      }
    }
  }

  /**
   * Decompresses {@code src} into {@code dst}, writing at most {@code dst.length} bytes; returns
   * the decompressed size. Throws {@code ZstdException} when the frame is bad or expands further.
   */
  static int decompress(byte[] dst, byte[] src) {
    ZstdDecompressCtx ctx = DECOMPRESS.poll();
    if (ctx == null) {
      ctx = new ZstdDecompressCtx();
    }
    try {
      return ctx.decompressByteArray(dst, 0, dst.length, src, 0, src.length);
    } finally {
      try {
        ctx.reset();
      } catch (RuntimeException e) {
        ctx.close();
        ctx = null;
      }
      if (ctx != null && !DECOMPRESS.offer(ctx)) {
        ctx.close();
      }
    }
  }
}
