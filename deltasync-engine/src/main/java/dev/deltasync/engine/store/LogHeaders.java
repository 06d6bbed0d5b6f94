package dev.deltasync.engine.store;

import dev.deltasync.format.ChangeLogFormatException;
import dev.deltasync.format.LogEnvelope;
import dev.deltasync.format.v1.LogHeader;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the store checks of a change log: the prefix and header (by the format module), the user and
 * collection the header names, and that the log's length is exactly what its header declares. The
 * body's hashes are left to the engine, which decodes the log anyway.
 */
final class LogHeaders {
  private LogHeaders() {}

  /**
   * Checks a log offered for appending.
   *
   * @throws StoreException.Rejected when the format module refuses the prefix or header (its
   *     message is kept), the header names another user or collection, or the length is wrong
   */
  static LogHeader checkOffered(byte[] log, String user, String collection)
      throws StoreException.Rejected {
    LogEnvelope checked;
    try {
      checked = LogEnvelope.read(new ByteArrayInputStream(log));
    } catch (ChangeLogFormatException e) {
      throw new StoreException.Rejected("change log rejected: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new IllegalStateException("a ByteArrayInputStream does not fail", e);
    }
    LogHeader header = checked.header();
    if (!header.getUser().equals(user)) {
      throw new StoreException.Rejected(
          "change log is for user \"" + header.getUser() + "\"; this store holds \"" + user + "\"");
    }
    if (!header.getCollection().equals(collection)) {
      throw new StoreException.Rejected(
          "change log is for collection \""
              + header.getCollection()
              + "\", not \""
              + collection
              + "\"");
    }
    if (checked.declaredSize() != log.length) {
      throw new StoreException.Rejected(
          "change log has "
              + log.length
              + " bytes but its header declares "
              + checked.declaredSize()
              + ": it is truncated or has bytes after its end");
    }
    return header;
  }

  /**
   * Reads the header of a stored log file, reading only the prefix and the header.
   *
   * @throws ChangeLogFormatException when the format module refuses them
   */
  static LogEnvelope read(Path file) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 4096)) {
      return LogEnvelope.read(in);
    }
  }

  /**
   * Reads the prefix and header at the start of {@code in}.
   *
   * @throws ChangeLogFormatException when the format module refuses them
   */
  static LogEnvelope read(InputStream in) throws IOException {
    return LogEnvelope.read(in);
  }
}
