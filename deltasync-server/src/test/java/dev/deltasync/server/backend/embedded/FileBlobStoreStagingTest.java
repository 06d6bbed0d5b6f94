package dev.deltasync.server.backend.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deltasync.server.backend.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileBlobStoreStagingTest {
  @TempDir Path dir;

  /**
   * {@code bytes} in pieces of 1..{@code piece} bytes, then an IOException after {@code failAt}.
   */
  private static InputStream inPieces(byte[] bytes, int piece, long failAt, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    return new InputStream() {
      int at;

      @Override
      public int read() {
        throw new UnsupportedOperationException();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (at >= failAt) {
          throw new IOException("the client went away");
        }
        if (at == bytes.length) {
          return -1;
        }
        int n =
            (int)
                Math.min(
                    Math.min(len, 1 + random.nextInt(piece)), Math.min(bytes.length, failAt) - at);
        System.arraycopy(bytes, at, b, off, n);
        at += n;
        return n;
      }
    };
  }

  private static byte[] staged(FileBlobStore blobs, String key) throws IOException {
    try (SeekableByteChannel channel = blobs.openStaged(key)) {
      ByteBuffer all = ByteBuffer.allocate((int) channel.size());
      while (all.hasRemaining() && channel.read(all) >= 0) {
        // reading
      }
      return all.array();
    }
  }

  private static byte[] random(int length, long seed) {
    byte[] bytes = new byte[length];
    new SplittableRandom(seed).nextBytes(bytes);
    return bytes;
  }

  /** Appends {@code bytes} to upload "s" at {@code offset}, in pieces of up to 5,000 bytes. */
  private static long append(
      FileBlobStore blobs, long offset, byte[] bytes, long failAt, long seed, long maxBytes)
      throws IOException {
    return blobs.appendStaged("s", offset, inPieces(bytes, 5_000, failAt, seed), maxBytes);
  }

  @Test
  void aBodyArrivingInSmallPiecesIsStagedWhole() throws IOException {
    FileBlobStore blobs = FileBlobStore.open(dir);
    byte[] body = random(300_000, 1);
    assertThat(append(blobs, 0, body, Long.MAX_VALUE, 2, 1 << 20)).isEqualTo(body.length);
    assertThat(staged(blobs, "s")).isEqualTo(body);
  }

  @Test
  void whatArrivedBeforeTheClientWentAwayIsKeptForAResume() throws IOException {
    FileBlobStore blobs = FileBlobStore.open(dir);
    byte[] body = random(300_000, 3);
    assertThatThrownBy(() -> append(blobs, 0, body, 100_001, 4, 1 << 20))
        .hasMessage("the client went away");
    assertThat(staged(blobs, "s")).isEqualTo(Arrays.copyOf(body, 100_001));
    byte[] rest = Arrays.copyOfRange(body, 100_001, body.length);
    assertThat(append(blobs, 100_001, rest, Long.MAX_VALUE, 5, 1 << 20)).isEqualTo(body.length);
    assertThat(staged(blobs, "s")).isEqualTo(body);
  }

  @Test
  void aBodyPastTheLimitIsRefusedAndNothingPastTheLimitIsKept() throws IOException {
    FileBlobStore blobs = FileBlobStore.open(dir);
    byte[] body = random(300_000, 6);
    assertThatThrownBy(() -> append(blobs, 0, body, Long.MAX_VALUE, 7, 100_000))
        .isInstanceOf(BlobStore.TooLarge.class);
    byte[] kept = staged(blobs, "s");
    assertThat(kept.length).isLessThanOrEqualTo(100_000).isGreaterThan(100_000 - 5_000);
    assertThat(kept).isEqualTo(Arrays.copyOf(body, kept.length));
  }
}
