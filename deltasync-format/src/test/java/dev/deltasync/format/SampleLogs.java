package dev.deltasync.format;

import com.google.protobuf.ByteString;
import dev.deltasync.format.v1.Change;
import dev.deltasync.format.v1.ChangeType;
import dev.deltasync.format.v1.ChunkRef;
import dev.deltasync.format.v1.ChunkSplice;
import dev.deltasync.format.v1.Component;
import dev.deltasync.format.v1.ComponentEdit;
import dev.deltasync.format.v1.ComponentStep;
import dev.deltasync.format.v1.Compression;
import dev.deltasync.format.v1.DirectoryBody;
import dev.deltasync.format.v1.FileBody;
import dev.deltasync.format.v1.FileEdit;
import dev.deltasync.format.v1.Item;
import dev.deltasync.format.v1.ItemKind;
import dev.deltasync.format.v1.LogHeader;
import dev.deltasync.format.v1.Parameter;
import dev.deltasync.format.v1.Property;
import dev.deltasync.format.v1.PropertyEdit;
import dev.deltasync.format.v1.RecordEdit;
import dev.deltasync.format.v1.StructuredPart;
import dev.deltasync.format.v1.StructuredValue;
import dev.deltasync.format.v1.SymlinkBody;
import dev.deltasync.format.v1.Value;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The hand-made logs behind the golden files: every item kind, every change kind, an empty log and
 * a maximal header. Changing any of them changes the golden files, which is a format change.
 */
final class SampleLogs {
  private SampleLogs() {}

  /** Name to log, in a fixed order. */
  static Map<String, ChangeLog> all() {
    Map<String, ChangeLog> logs = new LinkedHashMap<>();
    logs.put("empty", empty());
    logs.put("files", files());
    logs.put("records", records());
    logs.put("uncompressed", uncompressed());
    logs.put("max-header", maxHeader());
    return logs;
  }

  static LogHeader.Builder header(String collection, int logIdSeed) {
    byte[] logId = new byte[FormatLimits.LOG_ID_BYTES];
    for (int i = 0; i < logId.length; i++) {
      logId[i] = (byte) (logIdSeed * 31 + i);
    }
    return LogHeader.newBuilder()
        .setUser("alice")
        .setCollection(collection)
        .setOriginDevice("laptop")
        .setLogId(ByteString.copyFrom(logId))
        .setBaseSequence(41)
        .setCreatedMillis(1_795_000_000_000L)
        .setCompression(Compression.COMPRESSION_ZSTD)
        .setCompressionLevel(3);
  }

  static ChangeLog empty() {
    return new ChangeLog(header("docs", 1).setBaseSequence(0).build(), List.of(), List.of());
  }

  static ByteString version(String label) {
    return ByteString.copyFrom(Hashing.sha256().digest(label.getBytes(StandardCharsets.UTF_8)));
  }

  static ChunkRef ref(byte[] data) {
    return ChunkRef.newBuilder()
        .setId(ByteString.copyFrom(Hashing.sha256().digest(data)))
        .setLength(data.length)
        .build();
  }

  static dev.deltasync.format.v1.Chunk chunk(byte[] data) {
    return dev.deltasync.format.v1.Chunk.newBuilder()
        .setId(ByteString.copyFrom(Hashing.sha256().digest(data)))
        .setData(ByteString.copyFrom(data))
        .build();
  }

  static ChangeLog files() {
    byte[] text =
        "The quick brown fox jumps over the lazy dog.\n"
            .repeat(200)
            .getBytes(StandardCharsets.UTF_8);
    byte[] noise = new byte[3000];
    new Random(7).nextBytes(noise);
    byte[] small = "#!/bin/sh\necho hello\n".getBytes(StandardCharsets.UTF_8);
    List<Change> changes = new ArrayList<>();
    changes.add(
        Change.newBuilder()
            .setType(ChangeType.CHANGE_ADD)
            .setItemId("f-readme")
            .setKind(ItemKind.KIND_FILE)
            .setPath("docs/README.txt")
            .setNewVersion(version("readme-1"))
            .setItem(
                Item.newBuilder()
                    .setId("f-readme")
                    .setKind(ItemKind.KIND_FILE)
                    .setPath("docs/README.txt")
                    .setFile(
                        FileBody.newBuilder()
                            .setSize(text.length + noise.length)
                            .setMode(0644)
                            .setMtimeNanos(1_794_999_000_123_456_789L)
                            .addChunks(ref(text))
                            .addChunks(ref(noise))))
            .build());
    changes.add(
        Change.newBuilder()
            .setType(ChangeType.CHANGE_ADD)
            .setItemId("f-hello")
            .setKind(ItemKind.KIND_FILE)
            .setPath("bin/hello.sh")
            .setNewVersion(version("hello-1"))
            .setItem(
                Item.newBuilder()
                    .setId("f-hello")
                    .setKind(ItemKind.KIND_FILE)
                    .setPath("bin/hello.sh")
                    .setFile(
                        FileBody.newBuilder()
                            .setSize(small.length)
                            .setMode(0755)
                            .setMtimeNanos(1_794_999_100_000_000_000L)
                            .addChunks(ref(small))))
            .build());
    changes.add(
        Change.newBuilder()
            .setType(ChangeType.CHANGE_ADD)
            .setItemId("f-empty")
            .setKind(ItemKind.KIND_FILE)
            .setPath("empty file")
            .setNewVersion(version("empty-1"))
            .setItem(
                Item.newBuilder()
                    .setId("f-empty")
                    .setKind(ItemKind.KIND_FILE)
                    .setPath("empty file")
                    .setFile(FileBody.newBuilder().setMode(0600).setMtimeNanos(1)))
            .build());
    changes.add(
        Change.newBuilder()
            .setType(ChangeType.CHANGE_ADD)
            .setItemId("d-photos")
            .setKind(ItemKind.KIND_DIRECTORY)
            .setPath("Fotos/Sommer 2026/Zürich")
            .setNewVersion(version("dir-1"))
            .setItem(
                Item.newBuilder()
                    .setId("d-photos")
                    .setKind(ItemKind.KIND_DIRECTORY)
                    .setPath("Fotos/Sommer 2026/Zürich")
                    .setDirectory(DirectoryBody.newBuilder().setMode(0755)))
            .build());
    changes.add(
        Change.newBuilder()
            .setType(ChangeType.CHANGE_ADD)
            .setItemId("l-latest")
            .setKind(ItemKind.KIND_SYMLINK)
            .setPath("latest")
            .setNewVersion(version("link-1"))
            .setItem(
                Item.newBuilder()
                    .setId("l-latest")
                    .setKind(ItemKind.KIND_SYMLINK)
                    .setPath("latest")
                    .setSymlink(SymlinkBody.newBuilder().setTarget("../releases/1.0")))
            .build());
    changes.add(
        Change.newBuilder()
            .setType(ChangeType.CHANGE_MODIFY)
            .setItemId("f-big")
            .setKind(ItemKind.KIND_FILE)
            .setPath("data/big.bin")
            .setBaseVersion(version("big-1"))
            .setNewVersion(version("big-2"))
            .setFileEdit(
                FileEdit.newBuilder()
                    .setSize(10L * 1024 * 1024 * 1024 + 1)
                    .setMode(0644)
                    .setMtimeNanos(1_795_000_000_000_000_000L)
                    .addSplices(
                        ChunkSplice.newBuilder().setAt(327_680).setRemove(1).addInsert(ref(small)))
                    .addSplices(
                        ChunkSplice.newBuilder().setAt(655_359).setRemove(0).addInsert(ref(text))))
            .build());
    changes.add(
        Change.newBuilder()
            .setType(ChangeType.CHANGE_MODIFY)
            .setItemId("l-latest")
            .setKind(ItemKind.KIND_SYMLINK)
            .setPath("latest")
            .setBaseVersion(version("link-1"))
            .setNewVersion(version("link-2"))
            .setItem(
                Item.newBuilder()
                    .setId("l-latest")
                    .setKind(ItemKind.KIND_SYMLINK)
                    .setPath("latest")
                    .setSymlink(SymlinkBody.newBuilder().setTarget("../releases/2.0")))
            .build());
    changes.add(
        Change.newBuilder()
            .setType(ChangeType.CHANGE_MOVE)
            .setItemId("f-report")
            .setKind(ItemKind.KIND_FILE)
            .setFromPath("inbox/report.pdf")
            .setPath("archive/2026/report.pdf")
            .setBaseVersion(version("report-1"))
            .setNewVersion(version("report-1"))
            .build());
    changes.add(
        Change.newBuilder()
            .setType(ChangeType.CHANGE_DELETE)
            .setItemId("f-old")
            .setKind(ItemKind.KIND_FILE)
            .setPath("tmp/old.log")
            .setBaseVersion(version("old-3"))
            .build());
    changes.add(
        Change.newBuilder()
            .setType(ChangeType.CHANGE_DELETE)
            .setItemId("d-tmp")
            .setKind(ItemKind.KIND_DIRECTORY)
            .setPath("tmp")
            .setBaseVersion(version("tmp-1"))
            .build());
    return new ChangeLog(
        header("docs", 2).build(), changes, List.of(chunk(text), chunk(noise), chunk(small)));
  }

  static Property text(String name, String value, Parameter... parameters) {
    return Property.newBuilder()
        .setName(name)
        .addAllParameters(List.of(parameters))
        .setValueType("text")
        .addValues(Value.newBuilder().setText(value))
        .build();
  }

  static Property typed(String name, String type, String value) {
    return Property.newBuilder()
        .setName(name)
        .setValueType(type)
        .addValues(Value.newBuilder().setText(value))
        .build();
  }

  static Parameter param(String name, String... values) {
    return Parameter.newBuilder().setName(name).addAllValues(List.of(values)).build();
  }

  static Value structured(List<List<String>> parts) {
    StructuredValue.Builder value = StructuredValue.newBuilder();
    for (List<String> part : parts) {
      value.addParts(StructuredPart.newBuilder().addAllValues(part));
    }
    return Value.newBuilder().setStructured(value).build();
  }

  static Component contact() {
    byte[] photo = new byte[64];
    new Random(11).nextBytes(photo);
    return Component.newBuilder()
        .setName("VCARD")
        .addProperties(text("VERSION", "4.0"))
        .addProperties(typed("UID", "uri", "urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1"))
        .addProperties(text("FN", "Jürgen Müller-Łukasiewicz"))
        .addProperties(
            Property.newBuilder()
                .setName("N")
                .setValueType("text")
                .addValues(
                    structured(
                        List.of(
                            List.of("Müller-Łukasiewicz"),
                            List.of("Jürgen"),
                            List.of("Karl", "Otto"),
                            List.of("Dr."),
                            List.of()))))
        .addProperties(
            typed("TEL", "uri", "tel:+41-44-555-0199").toBuilder()
                .addParameters(param("TYPE", "work", "voice"))
                .addParameters(param("PREF", "1")))
        .addProperties(text("EMAIL", "jm@example.org", param("TYPE", "home")))
        .addProperties(
            Property.newBuilder()
                .setName("ADR")
                .setValueType("text")
                .addParameters(param("LABEL", "Bahnhofstrasse 1\n8001 Zürich\nSwitzerland"))
                .addValues(
                    structured(
                        List.of(
                            List.of(),
                            List.of(),
                            List.of("Bahnhofstrasse 1"),
                            List.of("Zürich"),
                            List.of("ZH"),
                            List.of("8001"),
                            List.of("Switzerland")))))
        .addProperties(text("X-ABLABEL", "_$!<Other>!$_").toBuilder().setGroup("item1").build())
        .addProperties(typed("URL", "uri", "https://example.org/~jm").toBuilder().setGroup("item1"))
        .addProperties(
            Property.newBuilder()
                .setName("PHOTO")
                .setValueType("binary")
                .addParameters(param("ENCODING", "b"))
                .addParameters(param("TYPE", "JPEG"))
                .addValues(Value.newBuilder().setBinary(ByteString.copyFrom(photo))))
        .addProperties(
            text("CATEGORIES", "friends").toBuilder()
                .addValues(Value.newBuilder().setText("climbing")))
        .addProperties(text("X-EVOLUTION-SPOUSE", "Anna"))
        .build();
  }

  static Component event() {
    Component timezone =
        Component.newBuilder()
            .setName("VTIMEZONE")
            .addProperties(text("TZID", "Europe/Zurich"))
            .addComponents(
                Component.newBuilder()
                    .setName("STANDARD")
                    .addProperties(typed("DTSTART", "date-time", "1970-10-25T03:00:00"))
                    .addProperties(typed("TZOFFSETFROM", "utc-offset", "+02:00"))
                    .addProperties(typed("TZOFFSETTO", "utc-offset", "+01:00"))
                    .addProperties(typed("RRULE", "recur", "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU")))
            .build();
    Component alarm =
        Component.newBuilder()
            .setName("VALARM")
            .addProperties(text("ACTION", "DISPLAY"))
            .addProperties(typed("TRIGGER", "duration", "-PT15M"))
            .addProperties(text("DESCRIPTION", "Stand-up"))
            .build();
    Component vevent =
        Component.newBuilder()
            .setName("VEVENT")
            .addProperties(text("UID", "standup-42@example.org"))
            .addProperties(typed("DTSTAMP", "date-time", "2026-11-01T08:00:00Z"))
            .addProperties(
                typed("DTSTART", "date-time", "2026-11-02T09:00:00").toBuilder()
                    .addParameters(param("TZID", "Europe/Zurich")))
            .addProperties(typed("DURATION", "duration", "PT15M"))
            .addProperties(typed("RRULE", "recur", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"))
            .addProperties(
                typed("EXDATE", "date-time", "2026-12-25T09:00:00").toBuilder()
                    .addParameters(param("TZID", "Europe/Zurich")))
            .addProperties(text("SUMMARY", "Stand-up, daily; (really)"))
            .addProperties(
                typed("ATTENDEE", "cal-address", "mailto:bob@example.org").toBuilder()
                    .addParameters(param("CN", "Bob"))
                    .addParameters(param("PARTSTAT", "ACCEPTED")))
            .addProperties(text("X-MOZ-GENERATION", "3"))
            .addComponents(alarm)
            .build();
    return Component.newBuilder()
        .setName("VCALENDAR")
        .addProperties(text("VERSION", "2.0"))
        .addProperties(text("PRODID", "-//deltasync//golden//EN"))
        .addComponents(timezone)
        .addComponents(vevent)
        .build();
  }

  static Component todo() {
    return Component.newBuilder()
        .setName("VCALENDAR")
        .addProperties(text("VERSION", "2.0"))
        .addProperties(text("PRODID", "-//deltasync//golden//EN"))
        .addComponents(
            Component.newBuilder()
                .setName("VTODO")
                .addProperties(text("UID", "todo-7@example.org"))
                .addProperties(typed("DUE", "date", "2026-11-30"))
                .addProperties(text("SUMMARY", "File taxes"))
                .addProperties(text("STATUS", "NEEDS-ACTION")))
        .build();
  }

  static Change addRecord(String uid, ItemKind kind, Component record) {
    return Change.newBuilder()
        .setType(ChangeType.CHANGE_ADD)
        .setItemId(uid)
        .setKind(kind)
        .setNewVersion(version(uid + "-1"))
        .setItem(Item.newBuilder().setId(uid).setKind(kind).setUid(uid).setRecord(record))
        .build();
  }

  static ChangeLog records() {
    List<Change> changes = new ArrayList<>();
    changes.add(
        addRecord(
            "urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1", ItemKind.KIND_CONTACT, contact()));
    changes.add(addRecord("standup-42@example.org", ItemKind.KIND_EVENT, event()));
    changes.add(addRecord("todo-7@example.org", ItemKind.KIND_TODO, todo()));
    changes.add(
        Change.newBuilder()
            .setType(ChangeType.CHANGE_MODIFY)
            .setItemId("urn:uuid:0d5b4a52-3b0a-4f59-a3c1-5d2c0bb0bd1e")
            .setKind(ItemKind.KIND_CONTACT)
            .setBaseVersion(version("c2-1"))
            .setNewVersion(version("c2-2"))
            .setRecordEdit(
                RecordEdit.newBuilder()
                    .addProperties(
                        PropertyEdit.newBuilder()
                            .setName("TEL")
                            .addProperties(
                                typed("TEL", "uri", "tel:+1-555-0100").toBuilder()
                                    .addParameters(param("TYPE", "cell")))
                            .addProperties(typed("TEL", "uri", "tel:+1-555-0101")))
                    .addProperties(PropertyEdit.newBuilder().setName("EMAIL")))
            .build());
    changes.add(
        Change.newBuilder()
            .setType(ChangeType.CHANGE_MODIFY)
            .setItemId("standup-42@example.org")
            .setKind(ItemKind.KIND_EVENT)
            .setBaseVersion(version("standup-42@example.org-1"))
            .setNewVersion(version("standup-42@example.org-2"))
            .setRecordEdit(
                RecordEdit.newBuilder()
                    .addProperties(
                        PropertyEdit.newBuilder()
                            .addPath(ComponentStep.newBuilder().setName("VEVENT").setKey("0"))
                            .setName("SUMMARY")
                            .addProperties(text("SUMMARY", "Stand-up (moved room)")))
                    .addComponents(
                        ComponentEdit.newBuilder()
                            .addPath(
                                ComponentStep.newBuilder()
                                    .setName("VEVENT")
                                    .setKey("RECURRENCE-ID=2026-11-04T09:00:00"))
                            .setComponent(
                                Component.newBuilder()
                                    .setName("VEVENT")
                                    .addProperties(text("UID", "standup-42@example.org"))
                                    .addProperties(
                                        typed("RECURRENCE-ID", "date-time", "2026-11-04T09:00:00")
                                            .toBuilder()
                                            .addParameters(param("TZID", "Europe/Zurich")))
                                    .addProperties(
                                        typed("DTSTART", "date-time", "2026-11-04T10:00:00")
                                            .toBuilder()
                                            .addParameters(param("TZID", "Europe/Zurich")))
                                    .addProperties(text("SUMMARY", "Stand-up (late)"))))
                    .addComponents(
                        ComponentEdit.newBuilder()
                            .addPath(ComponentStep.newBuilder().setName("VEVENT").setKey("0"))
                            .addPath(ComponentStep.newBuilder().setName("VALARM").setKey("0"))))
            .build());
    changes.add(
        Change.newBuilder()
            .setType(ChangeType.CHANGE_DELETE)
            .setItemId("urn:uuid:9b1c3c4e-2a57-4bfe-8d47-0f1d2e3c4b5a")
            .setKind(ItemKind.KIND_CONTACT)
            .setBaseVersion(version("c3-4"))
            .build());
    return new ChangeLog(header("contacts", 3).build(), changes, List.of());
  }

  static ChangeLog uncompressed() {
    ChangeLog files = files();
    LogHeader header =
        header("docs", 4)
            .setCompression(Compression.COMPRESSION_NONE)
            .setCompressionLevel(0)
            .build();
    return new ChangeLog(header, files.changes().subList(0, 2), files.chunks());
  }

  static ChangeLog maxHeader() {
    String name = "ü".repeat(FormatLimits.MAX_NAME_BYTES / 2); // 2 bytes each in UTF-8
    byte[] logId = new byte[FormatLimits.LOG_ID_BYTES];
    java.util.Arrays.fill(logId, (byte) 0xff);
    LogHeader header =
        LogHeader.newBuilder()
            .setUser(name)
            .setCollection(name)
            .setOriginDevice(name)
            .setLogId(ByteString.copyFrom(logId))
            .setBaseSequence(Long.MAX_VALUE)
            .setCreatedMillis(Long.MAX_VALUE)
            .setCompression(Compression.COMPRESSION_ZSTD)
            .setCompressionLevel(HeaderRules.MAX_ZSTD_LEVEL)
            .build();
    return new ChangeLog(header, files().changes().subList(8, 9), List.of());
  }
}
