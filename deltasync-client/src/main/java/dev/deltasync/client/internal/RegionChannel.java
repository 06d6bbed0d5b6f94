package dev.deltasync.client.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * A read-only view of a remote file of known size of which only some regions were fetched, so that
 * {@link dev.deltasync.format.PackLayout#readIndex} can check a pack's index from its header and
 * end without the data between. Reading where nothing was fetched fails.
 */
final class RegionChannel implements SeekableByteChannel {
  @SuppressWarnings("ArrayRecordComponent") // private, and never compared
  private record Region(long start, byte[] bytes) {}

  private final long size;
  private final List<Region> regions = new ArrayList<>();
  private long position;
  private boolean open = true;

  RegionChannel(long size) {
    this.size = size;
  }

  void add(long start, byte[] bytes) {
    regions.add(new Region(start, bytes));
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    if (position >= size) {
      return -1;
    }
    for (Region region : regions) {
      long end = region.start() + region.bytes().length;
      if (position >= region.start() && position < end) {
        int n = (int) Math.min(dst.remaining(), end - position);
        dst.put(region.bytes(), (int) (position - region.start()), n);
        position += n;
        return n;
      }
    }
    throw new IOException("byte " + position + " of the pack was not fetched");
  }

  @Override
  public int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public SeekableByteChannel position(long newPosition) {
    this.position = newPosition;
    return this;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public SeekableByteChannel truncate(long newSize) {
    throw new NonWritableChannelException();
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    open = false;
  }
}
