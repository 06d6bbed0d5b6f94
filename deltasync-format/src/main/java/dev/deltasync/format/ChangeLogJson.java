package dev.deltasync.format;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.deltasync.format.ChangeLogFormatException.Problem;
import dev.deltasync.format.v1.ChangeLogDocument;

/**
 * The JSON form of a change log (docs/format.md, "JSON form"): the protobuf JSON mapping of a
 * {@code ChangeLogDocument}. For debugging and hand-written test data; {@code deltasync decode} and
 * {@code encode} use it.
 *
 * <p>{@code encode(fromJson(toJson(decode(bytes))))} gives back {@code bytes} exactly. In JSON
 * input the header's derived fields (counts, sizes, hashes) may be left out: the writer computes
 * them.
 */
public final class ChangeLogJson {
  /** The value of the document's {@code format} field. */
  public static final String FORMAT_NAME = "deltasync-change-log";

  private static final JsonFormat.Printer PRINTER = JsonFormat.printer();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser();

  private ChangeLogJson() {}

  /** Returns the JSON form of {@code log}, pretty-printed, ending in a newline. */
  public static String toJson(ChangeLog log) {
    ChangeLogDocument document =
        ChangeLogDocument.newBuilder()
            .setFormat(FORMAT_NAME)
            .setVersion(ContainerLayout.FORMAT_VERSION)
            .setHeader(log.header())
            .addAllChanges(log.changes())
            .addAllChunks(log.chunks())
            .build();
    try {
      return PRINTER.print(document) + "\n";
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("the document has no Any fields, so printing cannot fail", e);
    }
  }

  /**
   * Parses the JSON form. Checks the document's format name and version; the log's rules are
   * checked when it is encoded.
   *
   * @throws ChangeLogFormatException when the text is not JSON of this shape (unknown fields are
   *     errors), or names another format or version
   */
  public static ChangeLog fromJson(String json) throws ChangeLogFormatException {
    ChangeLogDocument.Builder document = ChangeLogDocument.newBuilder();
    try {
      PARSER.merge(json, document);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new ChangeLogFormatException(
          Problem.MALFORMED, -1, "not a change log in JSON form: " + e.getMessage(), e);
    }
    if (!FORMAT_NAME.equals(document.getFormat())) {
      throw new ChangeLogFormatException(
          Problem.MALFORMED,
          -1,
          "JSON document has format '"
              + document.getFormat()
              + "'; expected '"
              + FORMAT_NAME
              + "'");
    }
    if (document.getVersion() != ContainerLayout.FORMAT_VERSION) {
      throw new ChangeLogFormatException(
          Problem.UNSUPPORTED,
          -1,
          "JSON document has version "
              + document.getVersion()
              + "; this deltasync writes version "
              + ContainerLayout.FORMAT_VERSION);
    }
    return new ChangeLog(document.getHeader(), document.getChangesList(), document.getChunksList());
  }
}
