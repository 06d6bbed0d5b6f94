package dev.deltasync.server.backend;

import com.google.protobuf.ByteString;

/**
 * Where a chunk is: in which pack of its user, and its entry there.
 *
 * @param id the chunk's id (SHA-256 of its raw bytes)
 * @param pack the pack's id
 * @param codec its codec in the pack
 * @param rawLength its length
 * @param storedLength the length of its bytes in the pack
 * @param offset where those bytes start in the pack
 */
public record ChunkLocation(
    ByteString id, String pack, int codec, int rawLength, int storedLength, long offset) {}
