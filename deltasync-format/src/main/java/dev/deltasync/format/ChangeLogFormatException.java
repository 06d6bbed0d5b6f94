package dev.deltasync.format;

import java.io.IOException;

/**
 * A change log (binary or JSON) that this reader cannot accept. The message says what is wrong and,
 * for binary input, at which byte; {@link #problem()} classifies it for callers that react
 * differently (a store answers 400, a sync retries a download on {@link Problem#TRUNCATED}).
 */
public final class ChangeLogFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  /** What kind of problem the input has. */
  public enum Problem {
    /** The input ends before the container does. */
    TRUNCATED,
    /** The first bytes are not a deltasync change log. */
    BAD_MAGIC,
    /** A format version, flag, compression or encryption this reader does not know. */
    UNSUPPORTED,
    /** A length, count or size above a {@link FormatLimits} bound. */
    LIMIT_EXCEEDED,
    /** A checksum or hash does not match the bytes. */
    CHECKSUM_MISMATCH,
    /** Bytes that do not decode, or decoded data that breaks a rule of the format. */
    MALFORMED,
  }

  private final Problem problem;
  private final long offset;

  ChangeLogFormatException(Problem problem, long offset, String message) {
    super(message);
    this.problem = problem;
    this.offset = offset;
  }

  ChangeLogFormatException(Problem problem, long offset, String message, Throwable cause) {
    super(message, cause);
    this.problem = problem;
    this.offset = offset;
  }

  public Problem problem() {
    return problem;
  }

  /** Byte offset in the input where the problem was found, or -1 when none applies. */
  public long offset() {
    return offset;
  }
}
