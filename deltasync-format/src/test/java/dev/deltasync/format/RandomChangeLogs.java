package dev.deltasync.format;

import com.google.protobuf.ByteString;
import dev.deltasync.format.v1.Change;
import dev.deltasync.format.v1.ChangeType;
import dev.deltasync.format.v1.Chunk;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Seeded generator of valid change logs: the same seed always gives the same log. */
final class RandomChangeLogs {
  private static final String[] SEGMENTS = {
    "docs",
    "src",
    "a",
    "Zürich",
    "naïve café",
    "日本語",
    "x.txt",
    "README",
    "Makefile",
    "photo.JPG",
    "e\u0301",
    "emoji-😀",
    "with space",
    "-dash",
    ".hidden",
    "a.b.c",
    "UPPER"
  };
  private static final String[] PROPERTY_NAMES = {
    "FN",
    "N",
    "TEL",
    "EMAIL",
    "ADR",
    "NOTE",
    "X-ABLABEL",
    "X-CUSTOM-THING",
    "SUMMARY",
    "DTSTART",
    "RRULE",
    "EXDATE",
    "ATTENDEE",
    "CATEGORIES",
    "PHOTO"
  };

  private final Random random;

  RandomChangeLogs(long seed) {
    this.random = new Random(seed);
  }

  ChangeLog next() {
    LogHeader.Builder header =
        LogHeader.newBuilder()
            .setUser(name())
            .setCollection(name())
            .setOriginDevice(name())
            .setLogId(bytes(FormatLimits.LOG_ID_BYTES))
            .setBaseSequence(random.nextLong() & Long.MAX_VALUE >>> random.nextInt(63))
            .setCreatedMillis(random.nextLong() & Long.MAX_VALUE >>> random.nextInt(63));
    if (random.nextInt(4) == 0) {
      header.setCompression(Compression.COMPRESSION_NONE);
    } else {
      header
          .setCompression(Compression.COMPRESSION_ZSTD)
          .setCompressionLevel(1 + random.nextInt(5));
    }
    List<Change> changes = new ArrayList<>();
    int count = random.nextInt(4) == 0 ? 0 : random.nextInt(25);
    for (int i = 0; i < count; i++) {
      changes.add(change());
    }
    List<Chunk> chunks = new ArrayList<>();
    Set<ByteString> ids = new HashSet<>();
    int chunkCount = random.nextInt(3) == 0 ? random.nextInt(4) : 0;
    for (int i = 0; i < chunkCount; i++) {
      byte[] data = content(1 + random.nextInt(5000));
      Chunk chunk = SampleLogs.chunk(data);
      if (ids.add(chunk.getId())) {
        chunks.add(chunk);
      }
    }
    return new ChangeLog(header.build(), changes, chunks);
  }

  private Change change() {
    ItemKind kind = ItemKind.forNumber(1 + random.nextInt(6));
    boolean fileLike = ChangeValidator.isFileLike(kind);
    ChangeType type = ChangeType.forNumber(1 + random.nextInt(4));
    if (type == ChangeType.CHANGE_MOVE && !fileLike) {
      type = ChangeType.CHANGE_DELETE;
    }
    String id =
        random.nextBoolean()
            ? name()
            : "urn:uuid:" + new java.util.UUID(random.nextLong(), random.nextLong());
    Change.Builder change = Change.newBuilder().setType(type).setItemId(id).setKind(kind);
    String path = fileLike ? path() : "";
    change.setPath(path);
    switch (type) {
      case CHANGE_ADD -> change.setNewVersion(bytes(32)).setItem(item(id, kind, path));
      case CHANGE_MODIFY -> {
        change.setBaseVersion(bytes(32)).setNewVersion(bytes(32));
        if (kind == ItemKind.KIND_FILE && random.nextBoolean()) {
          change.setFileEdit(fileEdit());
        } else if (!fileLike && random.nextBoolean()) {
          change.setRecordEdit(recordEdit());
        } else {
          change.setItem(item(id, kind, path));
        }
      }
      case CHANGE_MOVE -> {
        String from = path();
        while (from.equals(path)) {
          from = path();
        }
        change.setBaseVersion(bytes(32)).setNewVersion(bytes(32)).setFromPath(from);
      }
      case CHANGE_DELETE -> change.setBaseVersion(bytes(32));
      default -> throw new AssertionError(type);
    }
    return change.build();
  }

  private Item item(String id, ItemKind kind, String path) {
    Item.Builder item = Item.newBuilder().setId(id).setKind(kind).setPath(path);
    switch (kind) {
      case KIND_FILE -> {
        FileBody.Builder body =
            FileBody.newBuilder().setMode(random.nextInt(01000)).setMtimeNanos(random.nextLong());
        long size = 0;
        int n = random.nextInt(6);
        for (int i = 0; i < n; i++) {
          ChunkRef ref = chunkRef();
          body.addChunks(ref);
          size += ref.getLength();
        }
        item.setFile(body.setSize(size));
      }
      case KIND_DIRECTORY ->
          item.setDirectory(DirectoryBody.newBuilder().setMode(random.nextInt(01000)));
      case KIND_SYMLINK ->
          item.setSymlink(
              SymlinkBody.newBuilder()
                  .setTarget(random.nextBoolean() ? "../" + path() : "/" + path()));
      default ->
          item.setUid(id)
              .setRecord(component(kind == ItemKind.KIND_CONTACT ? "VCARD" : "VCALENDAR", 1));
    }
    return item.build();
  }

  private ChunkRef chunkRef() {
    return ChunkRef.newBuilder()
        .setId(bytes(32))
        .setLength(1 + random.nextInt(FormatLimits.MAX_CHUNK_BYTES))
        .build();
  }

  private FileEdit fileEdit() {
    FileEdit.Builder edit =
        FileEdit.newBuilder()
            .setSize(random.nextLong() & Long.MAX_VALUE)
            .setMode(random.nextInt(01000))
            .setMtimeNanos(random.nextLong());
    int at = 0;
    int n = 1 + random.nextInt(4);
    for (int i = 0; i < n; i++) {
      at += random.nextInt(1000);
      int remove = random.nextInt(3);
      ChunkSplice.Builder splice = ChunkSplice.newBuilder().setAt(at).setRemove(remove);
      int inserts = remove == 0 ? 1 + random.nextInt(2) : random.nextInt(3);
      for (int j = 0; j < inserts; j++) {
        splice.addInsert(chunkRef());
      }
      edit.addSplices(splice);
      at += remove;
    }
    return edit.build();
  }

  private RecordEdit recordEdit() {
    RecordEdit.Builder edit = RecordEdit.newBuilder();
    int n = 1 + random.nextInt(3);
    for (int i = 0; i < n; i++) {
      String name = PROPERTY_NAMES[random.nextInt(PROPERTY_NAMES.length)];
      PropertyEdit.Builder pe =
          PropertyEdit.newBuilder().setName(name).addAllPath(steps(random.nextInt(3)));
      int values = random.nextInt(3);
      for (int j = 0; j < values; j++) {
        pe.addProperties(property(name));
      }
      edit.addProperties(pe);
    }
    if (random.nextBoolean()) {
      List<ComponentStep> path = steps(1 + random.nextInt(2));
      ComponentEdit.Builder ce = ComponentEdit.newBuilder().addAllPath(path);
      if (random.nextBoolean()) {
        ce.setComponent(component(path.get(path.size() - 1).getName(), 1 + path.size()));
      }
      edit.addComponents(ce);
    }
    return edit.build();
  }

  private List<ComponentStep> steps(int n) {
    List<ComponentStep> steps = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      steps.add(
          ComponentStep.newBuilder()
              .setName(random.nextBoolean() ? "VEVENT" : "VALARM")
              .setKey(
                  random.nextBoolean()
                      ? Integer.toString(random.nextInt(3))
                      : "RECURRENCE-ID=2026110" + random.nextInt(10))
              .build());
    }
    return steps;
  }

  private Component component(String name, int depth) {
    Component.Builder component = Component.newBuilder().setName(name);
    int properties = random.nextInt(8);
    for (int i = 0; i < properties; i++) {
      component.addProperties(property(PROPERTY_NAMES[random.nextInt(PROPERTY_NAMES.length)]));
    }
    if (depth < FormatLimits.MAX_COMPONENT_DEPTH && random.nextInt(3) == 0) {
      int children = 1 + random.nextInt(2);
      for (int i = 0; i < children; i++) {
        component.addComponents(component(random.nextBoolean() ? "VEVENT" : "VALARM", depth + 1));
      }
    }
    return component.build();
  }

  private Property property(String name) {
    Property.Builder property =
        Property.newBuilder().setName(name).setValueType(random.nextBoolean() ? "text" : "unknown");
    if (random.nextInt(4) == 0) {
      property.setGroup("item" + random.nextInt(5));
    }
    int parameters = random.nextInt(3);
    for (int i = 0; i < parameters; i++) {
      Parameter.Builder parameter =
          Parameter.newBuilder().setName(random.nextBoolean() ? "TYPE" : "X-PARAM");
      int values = random.nextInt(3);
      for (int j = 0; j < values; j++) {
        parameter.addValues(text());
      }
      property.addParameters(parameter);
    }
    int values = 1 + random.nextInt(2);
    for (int i = 0; i < values; i++) {
      switch (random.nextInt(3)) {
        case 0 -> property.addValues(Value.newBuilder().setText(text()));
        case 1 -> {
          StructuredValue.Builder structured = StructuredValue.newBuilder();
          int parts = random.nextInt(6);
          for (int j = 0; j < parts; j++) {
            StructuredPart.Builder part = StructuredPart.newBuilder();
            int n = random.nextInt(3);
            for (int k = 0; k < n; k++) {
              part.addValues(text());
            }
            structured.addParts(part);
          }
          property.addValues(Value.newBuilder().setStructured(structured));
        }
        default -> property.addValues(Value.newBuilder().setBinary(bytes(random.nextInt(200))));
      }
    }
    return property.build();
  }

  private String path() {
    int depth = 1 + random.nextInt(4);
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < depth; i++) {
      if (i > 0) {
        path.append('/');
      }
      path.append(SEGMENTS[random.nextInt(SEGMENTS.length)]);
    }
    return path.toString();
  }

  private String name() {
    return SEGMENTS[random.nextInt(SEGMENTS.length)] + random.nextInt(1000);
  }

  private String text() {
    StringBuilder text = new StringBuilder();
    int n = random.nextInt(40);
    for (int i = 0; i < n; i++) {
      int pick = random.nextInt(10);
      if (pick < 6) {
        text.append((char) (' ' + random.nextInt(95)));
      } else if (pick < 8) {
        text.append(";,\\\n\t:\"".charAt(random.nextInt(7)));
      } else {
        text.appendCodePoint(0xa0 + random.nextInt(0x2000));
      }
    }
    return text.toString();
  }

  private ByteString bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return ByteString.copyFrom(b);
  }

  private byte[] content(int n) {
    byte[] b = new byte[n];
    if (random.nextBoolean()) {
      random.nextBytes(b);
    } else {
      for (int i = 0; i < n; i++) {
        b[i] = (byte) ('a' + random.nextInt(4));
      }
    }
    return b;
  }
}
