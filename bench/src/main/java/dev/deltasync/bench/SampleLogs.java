package dev.deltasync.bench;

import com.google.protobuf.ByteString;
import dev.deltasync.format.ChangeLog;
import dev.deltasync.format.FormatLimits;
import dev.deltasync.format.v1.Compression;
import dev.deltasync.format.v1.LogHeader;
import java.util.List;
import java.util.Random;

/**
 * Change logs with realistic content, built deterministically: the same arguments give the same
 * log, so every run of a benchmark measures the same bytes.
 */
public final class SampleLogs {
  /** The writer's clock when the sample logs were "written": 2025-06-01T12:00:00Z. */
  static final long CREATED_MILLIS = 1_748_779_200_000L;

  private SampleLogs() {}

  /**
   * A log of {@code count} file changes of a source tree: mostly adds, some chunk-list edits, moves
   * and deletes (see {@link FileChanges}). It carries no chunks: content travels in packs.
   */
  public static ChangeLog files(int count, long seed) {
    Random random = new Random(seed);
    LogHeader header = header(random, "docs");
    return new ChangeLog(header, FileChanges.generate(random, count), List.of());
  }

  /** A log that adds {@code count} contacts, each a vCard of about ten properties. */
  public static ChangeLog contacts(int count, long seed) {
    Random random = new Random(seed);
    LogHeader header = header(random, "contacts");
    return new ChangeLog(header, ContactChanges.generate(random, count), List.of());
  }

  private static LogHeader header(Random random, String collection) {
    return LogHeader.newBuilder()
        .setUser("alice")
        .setCollection(collection)
        .setOriginDevice("alice-laptop")
        .setLogId(randomBytes(random, FormatLimits.LOG_ID_BYTES))
        .setBaseSequence(41)
        .setCreatedMillis(CREATED_MILLIS)
        .setCompression(Compression.COMPRESSION_ZSTD)
        .build();
  }

  /** A SHA-256-like value: item versions and chunk ids are hashes, so they do not compress. */
  static ByteString hash(Random random) {
    return randomBytes(random, FormatLimits.HASH_BYTES);
  }

  static ByteString randomBytes(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return ByteString.copyFrom(bytes);
  }

  /** Returns an element of {@code choices} picked by {@code random}. */
  static String pick(Random random, List<String> choices) {
    return choices.get(random.nextInt(choices.size()));
  }
}
