package dev.deltasync.server.backend.embedded;

import dev.deltasync.server.backend.BlobStore;
import dev.deltasync.server.backend.MetadataBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * The embedded backend of a data directory: {@code meta.db} (SQLite) and {@code blobs/}, {@code
 * staging/} (files).
 *
 * @param metadata users, devices, sequences, leases, chunk index
 * @param blobs large logs, packs, snapshots, uploads
 */
public record EmbeddedBackend(MetadataBackend metadata, BlobStore blobs) implements AutoCloseable {
  /** Opens the backend in {@code dataDir}, creating what is missing. */
  public static EmbeddedBackend open(Path dataDir, LongSupplier clock) throws IOException {
    Files.createDirectories(dataDir);
    FileBlobStore blobs = FileBlobStore.open(dataDir);
    return new EmbeddedBackend(SqliteMetadata.open(dataDir, clock), blobs);
  }

  @Override
  public void close() throws IOException {
    try {
      metadata.close();
    } finally {
      blobs.close();
    }
  }
}
