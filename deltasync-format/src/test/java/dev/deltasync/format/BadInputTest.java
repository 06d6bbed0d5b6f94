package dev.deltasync.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdOutputStream;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import dev.deltasync.format.ChangeLogFormatException.Problem;
import dev.deltasync.format.v1.Change;
import dev.deltasync.format.v1.ChangeSet;
import dev.deltasync.format.v1.ChangeType;
import dev.deltasync.format.v1.Component;
import dev.deltasync.format.v1.Item;
import dev.deltasync.format.v1.ItemKind;
import dev.deltasync.format.v1.LogHeader;
import dev.deltasync.format.v1.Property;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The reader trusts no byte: every kind of bad input is refused with a clear, typed error. */
class BadInputTest {
  static final LogHeader HEADER = SampleLogs.header("docs", 9).build();

  static List<String> goldenNames() throws IOException {
    return GoldenFilesTest.goldenNames().toList();
  }

  static ChangeLogFormatException rejected(byte[] bytes) {
    try {
      ChangeLogReader.decode(bytes);
    } catch (ChangeLogFormatException e) {
      return e;
    }
    throw new AssertionError("the reader accepted bad input of " + bytes.length + " bytes");
  }

  static void assertRejected(byte[] bytes, Problem problem, String messagePart) {
    ChangeLogFormatException e = rejected(bytes);
    assertThat(e.problem()).as(e.getMessage()).isEqualTo(problem);
    assertThat(e.getMessage()).contains(messagePart);
  }

  @ParameterizedTest
  @MethodSource("goldenNames")
  void everyTruncationIsReportedAsTruncatedWithItsPosition(String name) throws IOException {
    byte[] bytes = GoldenFilesTest.binary(name);
    for (int length = 0; length < bytes.length; length++) {
      ChangeLogFormatException e = rejected(Arrays.copyOf(bytes, length));
      assertThat(e.problem())
          .as("prefix of %d bytes: %s", length, e.getMessage())
          .isEqualTo(Problem.TRUNCATED);
      assertThat(e.getMessage()).startsWith("change log truncated at byte " + length + ": ");
      assertThat(e.offset()).isEqualTo(length);
    }
  }

  @Test
  void truncationMessageSaysWhatIsMissing() {
    assertRejected(
        Arrays.copyOf(ContainerLayout.MAGIC, 5),
        Problem.TRUNCATED,
        "change log truncated at byte 5: the fixed prefix needs 11 more bytes");
  }

  @ParameterizedTest
  @MethodSource("goldenNames")
  void everySingleBitFlipIsDetected(String name) throws IOException {
    byte[] bytes = GoldenFilesTest.binary(name);
    for (int i = 0; i < bytes.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] corrupt = bytes.clone();
        corrupt[i] ^= (byte) (1 << bit);
        ChangeLogFormatException e = rejected(corrupt);
        assertThat(e.getMessage()).as("flip of bit %d in byte %d", bit, i).isNotBlank();
      }
    }
  }

  @Test
  void wrongMagicIsNotAChangeLog() throws IOException {
    byte[] bytes = GoldenFilesTest.binary("empty");
    bytes[1] = 'X';
    assertRejected(
        bytes, Problem.BAD_MAGIC, "not a deltasync change log: it starts with 8958534c4f470d0a");
    assertRejected(new byte[] {'P', 'K'}, Problem.BAD_MAGIC, "it starts with 504b instead of");
    assertRejected(
        "PK\3\4 this is a zip".getBytes(StandardCharsets.US_ASCII),
        Problem.BAD_MAGIC,
        "not a deltasync change log");
  }

  @Test
  void newerFormatVersionAsksForAnUpgrade() {
    byte[] bytes = RawLogs.frame(2, 0, HEADER.toByteArray());
    assertRejected(
        bytes,
        Problem.UNSUPPORTED,
        "change log has format version 2; this deltasync reads version 1: upgrade deltasync");
    assertRejected(
        RawLogs.frame(0, 0, HEADER.toByteArray()), Problem.UNSUPPORTED, "format version 0");
  }

  @Test
  void unknownContainerFlagsAreRejected() {
    assertRejected(
        RawLogs.frame(1, 4, HEADER.toByteArray()), Problem.UNSUPPORTED, "container flags 0x4");
  }

  @Test
  void headerLengthOutsideItsBoundsIsRejectedBeforeReading() {
    ByteBuffer prefix = ByteBuffer.allocate(ContainerLayout.PREFIX_BYTES);
    prefix.put(ContainerLayout.MAGIC).putShort((short) 1).putShort((short) 0).putInt(0x7fff_ffff);
    assertRejected(
        prefix.array(), Problem.LIMIT_EXCEEDED, "header length 2147483647 is outside 1..65536");
    prefix.putInt(12, 0);
    assertRejected(prefix.array(), Problem.LIMIT_EXCEEDED, "header length 0");
  }

  @Test
  void corruptHeaderFailsItsChecksum() throws IOException {
    byte[] bytes = GoldenFilesTest.binary("files");
    bytes[ContainerLayout.PREFIX_BYTES + 3] ^= 1;
    assertRejected(bytes, Problem.CHECKSUM_MISMATCH, "header checksum (CRC-32C) does not match");
  }

  @Test
  void oversizedDeclarationsAreRejectedBeforeAllocation() {
    LogHeader.Builder header =
        HEADER.toBuilder()
            .setChangesSha256(ByteString.copyFrom(new byte[32]))
            .setPackSha256(ByteString.copyFrom(new byte[32]));
    // Only the prefix and header exist: a reader that trusted the sizes would try to read
    // gigabytes.
    assertRejected(
        RawLogs.frame(
            1,
            0,
            header
                .clone()
                .setChangesRawSize(1L << 30)
                .setChangesStoredSize(100)
                .build()
                .toByteArray()),
        Problem.LIMIT_EXCEEDED,
        "header declares a changes section (decompressed) of 1073741824; the limit is 268435456");
    assertRejected(
        RawLogs.frame(1, 0, header.clone().setChangeCount(2_000_000).build().toByteArray()),
        Problem.LIMIT_EXCEEDED,
        "change count of 2000000");
    assertRejected(
        RawLogs.frame(1, 0, header.clone().setPackStoredSize(-1L).build().toByteArray()),
        Problem.LIMIT_EXCEEDED,
        "pack section of 18446744073709551615");
    assertRejected(
        RawLogs.frame(1, 0, header.clone().setChunkCount(-1).build().toByteArray()),
        Problem.LIMIT_EXCEEDED,
        "chunk count of 4294967295");
  }

  @Test
  void aLyingStoredSizeCostsOnlyTheBytesPresent() {
    LogHeader header =
        HEADER.toBuilder()
            .setChangesRawSize(FormatLimits.MAX_CHANGES_RAW_BYTES)
            .setChangesStoredSize(FormatLimits.MAX_CHANGES_STORED_BYTES)
            .setChangesSha256(ByteString.copyFrom(new byte[32]))
            .setPackSha256(ByteString.copyFrom(new byte[32]))
            .build();
    byte[] bytes = RawLogs.frame(1, 0, header.toByteArray());
    byte[] withSome = Arrays.copyOf(bytes, bytes.length + 1000);
    assertRejected(
        withSome,
        Problem.TRUNCATED,
        "the changes section needs "
            + (FormatLimits.MAX_CHANGES_STORED_BYTES - 1000)
            + " more bytes");
  }

  /** A zstd frame of {@code gib} GiB of zeros, made in a streaming way (about 100 KiB). */
  static byte[] zeroBomb(int gib) throws IOException {
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    byte[] zeros = new byte[1 << 20];
    try (ZstdOutputStream out = new ZstdOutputStream(compressed, 1)) {
      for (int i = 0; i < gib * 1024; i++) {
        out.write(zeros);
      }
    }
    return compressed.toByteArray();
  }

  @Test
  void decompressionBombStopsAtTheDeclaredSize() throws IOException {
    byte[] bomb = zeroBomb(1);
    assertThat(bomb.length).isLessThan(1 << 20);
    byte[] bytes = RawLogs.withStored(HEADER, 0, 1000, bomb, 0, new byte[0]);
    assertRejected(
        bytes,
        Problem.LIMIT_EXCEEDED,
        "changes section decompresses to more than the 1000 bytes the header declares");
  }

  @Test
  void decompressionBombFailsFastInASmallHeap(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bomb.dslog");
    Files.write(file, RawLogs.withStored(HEADER, 0, 1000, zeroBomb(1), 0, new byte[0]));
    String java = ProcessHandle.current().info().command().orElse("java");
    Process process =
        new ProcessBuilder(
                java,
                "-Xmx32m",
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                DecodeFileMain.class.getName(),
                file.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the child JVM finished").isTrue();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(output)
        .startsWith("LIMIT_EXCEEDED: changes section decompresses to more than the 1000 bytes");
    assertThat(process.exitValue()).isZero();
  }

  @Test
  void chunkThatDecompressesBeyondItsDeclaredLengthIsRejected() throws IOException {
    byte[] bomb = zeroBomb(1);
    byte[] id = Hashing.sha256().digest(new byte[1000]);
    byte[] pack =
        RawLogs.chunkEntry(
            id,
            ContainerLayout.CHUNK_CODEC_ZSTD,
            1000,
            Arrays.copyOf(bomb, Math.min(bomb.length, FormatLimits.MAX_CHUNK_BYTES)));
    byte[] bytes = RawLogs.withSections(HEADER, 0, new byte[0], 1, pack);
    assertRejected(bytes, Problem.MALFORMED, "chunk 0 at byte ");
  }

  @Test
  void chunkWhoseDataDoesNotMatchItsIdIsRejected() {
    byte[] data = "hello".getBytes(StandardCharsets.UTF_8);
    byte[] wrongId = Hashing.sha256().digest("HELLO".getBytes(StandardCharsets.UTF_8));
    byte[] pack =
        RawLogs.chunkEntry(wrongId, ContainerLayout.CHUNK_CODEC_STORED, data.length, data);
    assertRejected(
        RawLogs.withSections(HEADER, 0, new byte[0], 1, pack),
        Problem.CHECKSUM_MISMATCH,
        "data does not match the chunk id");
  }

  @Test
  void repeatedChunkIsRejected() {
    byte[] data = "hello".getBytes(StandardCharsets.UTF_8);
    byte[] entry = RawLogs.chunkEntry(Hashing.sha256().digest(data), 0, data.length, data);
    byte[] pack = new byte[entry.length * 2];
    System.arraycopy(entry, 0, pack, 0, entry.length);
    System.arraycopy(entry, 0, pack, entry.length, entry.length);
    assertRejected(
        RawLogs.withSections(HEADER, 0, new byte[0], 2, pack),
        Problem.MALFORMED,
        "repeats chunk id");
  }

  @Test
  void unknownChunkCodecIsRejected() {
    byte[] data = "hello".getBytes(StandardCharsets.UTF_8);
    byte[] pack = RawLogs.chunkEntry(Hashing.sha256().digest(data), 7, data.length, data);
    assertRejected(
        RawLogs.withSections(HEADER, 0, new byte[0], 1, pack), Problem.UNSUPPORTED, "uses codec 7");
  }

  @Test
  void trailingBytesAreRejected() throws IOException {
    byte[] bytes = GoldenFilesTest.binary("files");
    assertRejected(
        Arrays.copyOf(bytes, bytes.length + 1),
        Problem.MALFORMED,
        "unexpected bytes after the end of the change log");
  }

  @Test
  void changeCountMustMatchTheHeader() {
    Change delete = SampleLogs.files().changes().get(8);
    byte[] raw = ChangeSet.newBuilder().addChanges(delete).build().toByteArray();
    assertRejected(
        RawLogs.withSections(HEADER, 2, raw, 0, new byte[0]),
        Problem.MALFORMED,
        "changes section holds 1 changes; the header declares 2");
  }

  @Test
  void encryptedLogsAskForAnUpgrade() {
    LogHeader encrypted = HEADER.toBuilder().setEncryptionValue(1).build();
    assertRejected(
        RawLogs.withChanges(encrypted, List.of()),
        Problem.UNSUPPORTED,
        "change log is encrypted (encryption 1); this version of deltasync reads only unencrypted logs: upgrade deltasync");
    LogHeader keyed = HEADER.toBuilder().setChunkIdAlgorithmValue(1).build();
    assertRejected(
        RawLogs.withChanges(keyed, List.of()), Problem.UNSUPPORTED, "chunk-id algorithm 1");
    LogHeader compression = HEADER.toBuilder().setCompressionValue(9).build();
    assertRejected(
        RawLogs.withChanges(compression, List.of()), Problem.UNSUPPORTED, "compression 9");
  }

  @Test
  void unknownFieldsMeanANewerWriter() {
    UnknownFieldSet unknown =
        UnknownFieldSet.newBuilder()
            .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(1).build())
            .build();
    LogHeader header = HEADER.toBuilder().setUnknownFields(unknown).build();
    assertRejected(
        RawLogs.withChanges(header, List.of()),
        Problem.UNSUPPORTED,
        "header has fields this reader does not know (numbers [99]): was it written by a newer deltasync?");
    Change change =
        SampleLogs.files().changes().get(8).toBuilder().setUnknownFields(unknown).build();
    assertRejected(
        RawLogs.withChanges(HEADER, List.of(change)),
        Problem.UNSUPPORTED,
        "change 0 (item 'f-old'): change has fields this reader does not know");
  }

  static Change deleteAt(String path) {
    return Change.newBuilder()
        .setType(ChangeType.CHANGE_DELETE)
        .setItemId("x")
        .setKind(ItemKind.KIND_FILE)
        .setPath(path)
        .setBaseVersion(SampleLogs.version("x"))
        .build();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/etc/passwd",
        "../outside",
        "a/../../b",
        "a/./b",
        "a//b",
        "a/",
        "C:/Windows",
        "c:evil",
        "nul\0byte",
        ""
      })
  void hostilePathsAreRejectedByReaderAndWriter(String path) {
    byte[] bytes = RawLogs.withChanges(HEADER, List.of(deleteAt(path)));
    ChangeLogFormatException e = rejected(bytes);
    assertThat(e.problem()).isEqualTo(Problem.MALFORMED);
    assertThat(e.getMessage()).startsWith("change 0 (item 'x'): path '");
    assertThatThrownBy(
            () -> ChangeLogWriter.encode(new ChangeLog(HEADER, List.of(deleteAt(path)), List.of())))
        .isInstanceOf(ChangeLogFormatException.class)
        .hasMessage(e.getMessage());
  }

  @Test
  void pathProblemsAreNamed() {
    assertThat(ItemPaths.problem("/etc/passwd")).isEqualTo("is absolute (starts with '/')");
    assertThat(ItemPaths.problem("a/../b")).isEqualTo("contains '..'");
    assertThat(ItemPaths.problem("x\0y")).isEqualTo("contains a NUL character");
    assertThat(ItemPaths.problem("D:stuff")).isEqualTo("starts with a drive letter");
    assertThat(ItemPaths.problem("a".repeat(FormatLimits.MAX_PATH_BYTES + 1)))
        .isEqualTo("is longer than 4096 bytes");
    assertThat(ItemPaths.problem("docs/..hidden/a..b/...")).isNull();
    assertThat(ItemPaths.problem("Fotos/Zürich/日本語.txt")).isNull();
  }

  @Test
  void changesThatBreakTheRulesAreRejected() {
    Change add = SampleLogs.files().changes().get(0);
    record Case(Change change, String message) {}
    List<Case> cases =
        List.of(
            new Case(add.toBuilder().clearItem().build(), "an add must carry the whole item"),
            new Case(
                add.toBuilder().setBaseVersion(SampleLogs.version("b")).build(),
                "an add has no base version"),
            new Case(
                add.toBuilder().setNewVersion(ByteString.copyFrom(new byte[3])).build(),
                "new version has 3 bytes, not 32"),
            new Case(
                add.toBuilder().setItemId("other").build(),
                "item id 'f-readme' differs from the change's"),
            new Case(
                add.toBuilder()
                    .setItem(
                        add.getItem().toBuilder()
                            .setFile(add.getItem().getFile().toBuilder().setSize(1)))
                    .build(),
                "file size 1 differs from its chunks' total 12000"),
            new Case(add.toBuilder().setTypeValue(17).build(), "has no known change type (17)"),
            new Case(
                add.toBuilder().setKind(ItemKind.KIND_DIRECTORY).build(),
                "item kind KIND_FILE differs from the change's KIND_DIRECTORY"),
            new Case(
                deleteAt("a").toBuilder().setNewVersion(SampleLogs.version("n")).build(),
                "a delete has no new version"),
            new Case(
                deleteAt("a").toBuilder().setFromPath("b").build(), "only a move has a from path"),
            new Case(
                Change.newBuilder()
                    .setType(ChangeType.CHANGE_MOVE)
                    .setItemId("c")
                    .setKind(ItemKind.KIND_CONTACT)
                    .build(),
                "only files, directories and symlinks move; KIND_CONTACT does not"));
    for (Case c : cases) {
      assertRejected(
          RawLogs.withChanges(HEADER, List.of(c.change())), Problem.MALFORMED, c.message());
    }
  }

  @Test
  void recordsAreIdentifiedByTheirUidAndRootedInTheirKindsComponent() {
    Change contact = SampleLogs.records().changes().get(0);
    Change otherUid =
        contact.toBuilder().setItem(contact.getItem().toBuilder().setUid("someone-else")).build();
    assertRejected(
        RawLogs.withChanges(HEADER, List.of(otherUid)),
        Problem.MALFORMED,
        "a record's uid 'someone-else' differs from its item id");
    Change calendarAsContact =
        contact.toBuilder()
            .setItem(contact.getItem().toBuilder().setRecord(SampleLogs.event()))
            .build();
    assertRejected(
        RawLogs.withChanges(HEADER, List.of(calendarAsContact)),
        Problem.MALFORMED,
        "a KIND_CONTACT record is a VCARD component, not VCALENDAR");
  }

  @Test
  void unknownFieldsDeepInsideARecordAreFound() {
    UnknownFieldSet unknown =
        UnknownFieldSet.newBuilder()
            .addField(42, UnknownFieldSet.Field.newBuilder().addVarint(7).build())
            .build();
    Change contact = SampleLogs.records().changes().get(0);
    Component record = contact.getItem().getRecord();
    int n = 3; // the N property: a structured value
    Property name = record.getProperties(n);
    Property withUnknown =
        name.toBuilder()
            .setValues(
                0,
                name.getValues(0).toBuilder()
                    .setStructured(
                        name.getValues(0).getStructured().toBuilder()
                            .setParts(
                                0,
                                name.getValues(0).getStructured().getParts(0).toBuilder()
                                    .setUnknownFields(unknown))))
            .build();
    Change changed =
        contact.toBuilder()
            .setItem(
                contact.getItem().toBuilder()
                    .setRecord(record.toBuilder().setProperties(n, withUnknown)))
            .build();
    assertRejected(
        RawLogs.withChanges(HEADER, List.of(changed)),
        Problem.UNSUPPORTED,
        "structured part has fields this reader does not know (numbers [42])");
  }

  @Test
  void componentsNestedTooDeeplyAreRejected() {
    Component component = Component.newBuilder().setName("VALARM").build();
    for (int i = 0; i < FormatLimits.MAX_COMPONENT_DEPTH - 1; i++) {
      component = Component.newBuilder().setName("X").addComponents(component).build();
    }
    component = Component.newBuilder().setName("VCALENDAR").addComponents(component).build();
    Change add =
        Change.newBuilder()
            .setType(ChangeType.CHANGE_ADD)
            .setItemId("u")
            .setKind(ItemKind.KIND_EVENT)
            .setNewVersion(SampleLogs.version("u"))
            .setItem(
                Item.newBuilder()
                    .setId("u")
                    .setKind(ItemKind.KIND_EVENT)
                    .setUid("u")
                    .setRecord(component))
            .build();
    assertRejected(
        RawLogs.withChanges(HEADER, List.of(add)),
        Problem.MALFORMED,
        "record components nest deeper than 16");
  }

  @Test
  void protobufNestingBeyondTheParserLimitIsRejected() {
    // 10,000 nested components as raw protobuf: field 3 (components) of Component,
    // length-delimited.
    byte[] inner = new byte[0];
    for (int i = 0; i < 10_000; i++) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(0x1a);
      writeVarint(out, inner.length);
      out.writeBytes(inner);
      inner = out.toByteArray();
    }
    byte[] record = inner;
    ByteArrayOutputStream item = new ByteArrayOutputStream();
    item.write(0x6a); // Item.record = field 13, wire type 2
    writeVarint(item, record.length);
    item.writeBytes(record);
    ByteArrayOutputStream change = new ByteArrayOutputStream();
    change.write(0x52); // Change.item = field 10
    writeVarint(change, item.size());
    change.writeBytes(item.toByteArray());
    ByteArrayOutputStream set = new ByteArrayOutputStream();
    set.write(0x0a); // ChangeSet.changes = field 1
    writeVarint(set, change.size());
    set.writeBytes(change.toByteArray());
    assertRejected(
        RawLogs.withSections(HEADER, 1, set.toByteArray(), 0, new byte[0]),
        Problem.MALFORMED,
        "changes section does not decode");
  }

  private static void writeVarint(ByteArrayOutputStream out, int value) {
    while ((value & ~0x7f) != 0) {
      out.write((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    out.write(value);
  }

  @Test
  void garbageChangesSectionIsRejected() {
    byte[] garbage = "definitely not protobuf \u00ff".getBytes(StandardCharsets.UTF_8);
    assertRejected(
        RawLogs.withSections(HEADER, 1, garbage, 0, new byte[0]),
        Problem.MALFORMED,
        "changes section does not decode");
    byte[] notZstd = "not zstd at all".getBytes(StandardCharsets.UTF_8);
    assertRejected(
        RawLogs.withStored(HEADER, 0, 10, notZstd, 0, new byte[0]),
        Problem.MALFORMED,
        "changes section is not valid zstd data");
  }

  @Test
  void writerRefusesChunksThatDoNotMatchTheirIds() {
    byte[] data = "abc".getBytes(StandardCharsets.UTF_8);
    ChangeLog log =
        new ChangeLog(
            HEADER,
            List.of(),
            List.of(
                SampleLogs.chunk(data).toBuilder()
                    .setData(ByteString.copyFromUtf8("abd"))
                    .build()));
    assertThatThrownBy(() -> ChangeLogWriter.encode(log))
        .isInstanceOf(ChangeLogFormatException.class)
        .hasMessage("chunk 0: its id is not the SHA-256 of its data");
  }

  @Test
  void writerRefusesBadHeaders() {
    assertThatThrownBy(() ->
            ChangeLogWriter.encode(
                new ChangeLog(HEADER.toBuilder().setUser("").build(), List.of(), List.of())))
        .hasMessage("header: user is empty");
    assertThatThrownBy(() ->
            ChangeLogWriter.encode(
                new ChangeLog(
                    HEADER.toBuilder().setLogId(ByteString.EMPTY).build(), List.of(), List.of())))
        .hasMessage("header: log id has 0 bytes, not 16");
    assertThatThrownBy(() ->
            ChangeLogWriter.encode(
                new ChangeLog(
                    HEADER.toBuilder().setCollection("a\nb").build(), List.of(), List.of())))
        .hasMessage("header: collection contains the control character U+000A");
  }

  @Test
  void zstdLibraryRoundTripsTheEmptyInput() {
    assertThat(Zstd.decompress(Zstd.compress(new byte[0]), 0)).isEmpty();
  }
}
