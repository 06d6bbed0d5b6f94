package dev.deltasync.format;

import dev.deltasync.format.v1.Change;
import dev.deltasync.format.v1.Chunk;
import dev.deltasync.format.v1.LogHeader;
import java.util.List;

/**
 * One change log held in memory: its header, its changes in order, and the new content it carries.
 *
 * <p>When a log is written, the header's descriptive fields (user, collection, origin device, log
 * id, base sequence, created time, compression and level, encryption, chunk-id algorithm) are taken
 * as given; the derived ones (counts, sizes, hashes) are computed by {@link ChangeLogWriter} and
 * replaced. A log read by {@link ChangeLogReader} carries the header exactly as stored.
 *
 * @param header the header; see above for which fields a writer honours
 * @param changes the changes, applied in this order
 * @param chunks new content: each chunk's id is the SHA-256 of its data, no id twice
 */
public record ChangeLog(LogHeader header, List<Change> changes, List<Chunk> chunks) {
  public ChangeLog {
    changes = List.copyOf(changes);
    chunks = List.copyOf(chunks);
  }
}
