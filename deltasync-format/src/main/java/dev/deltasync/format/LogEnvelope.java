package dev.deltasync.format;

import dev.deltasync.format.v1.LogHeader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;

/**
 * What a store needs of a change log without decoding its body: the checked header and the length
 * of the whole log that the header declares. Stores check the header (user, collection, limits) and
 * the length, and leave the body's hashes to the devices, which decode it anyway.
 *
 * @param header the header, checked by {@link ChangeLogReader}
 * @param declaredSize prefix + header + CRC + changes section + pack section, in bytes
 */
public record LogEnvelope(LogHeader header, long declaredSize) {
  /**
   * Reads the prefix and header at the start of {@code in}, and nothing after them.
   *
   * @throws ChangeLogFormatException when the format module refuses them (wrong magic, version,
   *     flags, a limit exceeded, a damaged header)
   */
  public static LogEnvelope read(InputStream in) throws IOException {
    byte[] prefix = in.readNBytes(ContainerLayout.PREFIX_BYTES);
    // The reader checks the prefix before anything else, so after open() it is complete.
    LogHeader header =
        ChangeLogReader.open(new SequenceInputStream(new ByteArrayInputStream(prefix), in))
            .header();
    long headerLength = Integer.toUnsignedLong(ByteBuffer.wrap(prefix).getInt(12));
    long declared =
        ContainerLayout.PREFIX_BYTES
            + headerLength
            + ContainerLayout.HEADER_CRC_BYTES
            + header.getChangesStoredSize()
            + header.getPackStoredSize();
    return new LogEnvelope(header, declared);
  }
}
