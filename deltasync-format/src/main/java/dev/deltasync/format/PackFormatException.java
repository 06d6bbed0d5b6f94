package dev.deltasync.format;

import java.io.IOException;

/**
 * A pack (docs/format.md, "Packs") that cannot be accepted: its header, index or trailer is not
 * valid, or a chunk's bytes do not decode to what its index entry and id promise. The message says
 * what is wrong; callers add which pack it is.
 */
public final class PackFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  PackFormatException(String message) {
    super(message);
  }

  PackFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
