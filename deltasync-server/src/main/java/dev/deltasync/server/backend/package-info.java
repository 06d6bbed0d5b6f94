/**
 * The server's backend SPI: {@link dev.deltasync.server.backend.MetadataBackend} keeps users,
 * devices, sequences, leases and the chunk index; {@link dev.deltasync.server.backend.BlobStore}
 * keeps the bytes of large logs, packs and snapshots. The HTTP layer holds no state of its own, so
 * any number of server processes can share one backend. The embedded implementation (SQLite and
 * files in the data directory) is in {@code backend.embedded}.
 */
@NullMarked
package dev.deltasync.server.backend;

import org.jspecify.annotations.NullMarked;
