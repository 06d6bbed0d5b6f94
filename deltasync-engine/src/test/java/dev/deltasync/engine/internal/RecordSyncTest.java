package dev.deltasync.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.deltasync.engine.ItemVersions;
import dev.deltasync.engine.SyncException;
import dev.deltasync.engine.SyncOperation;
import dev.deltasync.engine.SyncOptions;
import dev.deltasync.engine.SyncResult;
import dev.deltasync.engine.snapshot.SnapshotStore;
import dev.deltasync.engine.store.AppendResult;
import dev.deltasync.engine.store.DirectoryLogStore;
import dev.deltasync.engine.store.LogEntry;
import dev.deltasync.engine.store.LogStore;
import dev.deltasync.format.ChangeLog;
import dev.deltasync.format.ChangeLogReader;
import dev.deltasync.format.ChangeLogWriter;
import dev.deltasync.format.v1.Change;
import dev.deltasync.format.v1.ChangeType;
import dev.deltasync.format.v1.Component;
import dev.deltasync.format.v1.Compression;
import dev.deltasync.format.v1.Item;
import dev.deltasync.format.v1.ItemKind;
import dev.deltasync.format.v1.LogHeader;
import dev.deltasync.format.v1.Property;
import dev.deltasync.format.v1.PropertyEdit;
import dev.deltasync.format.v1.RecordEdit;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records changed on several devices: edits travel as record edits, edits of different properties
 * merge, the same property changed twice keeps the store's value and the other in a conflict copy,
 * and every device ends with the same records.
 */
class RecordSyncTest {
  private static final long NOW = Instant.parse("2026-05-01T10:00:00Z").toEpochMilli();
  private static final String UID = "ann-1";

  @TempDir Path dir;
  private LogStore store;

  @BeforeEach
  void openStore() throws IOException {
    store = DirectoryLogStore.open(dir.resolve("store"), "alice");
  }

  @Test
  void aPhoneEditHereAndAnEmailEditThereAreBothKeptOnEveryDeviceWithoutConflictCopy()
      throws IOException {
    Component card = Contacts.card(UID, 12, "+41 44 555 01 99");
    Device a = new Device("a");
    Device b = new Device("b");
    a.source.record(ItemKind.KIND_CONTACT, UID, card);
    a.sync();
    b.sync();

    a.source.record(ItemKind.KIND_CONTACT, UID, Contacts.withPhone(card, "+41 44 555 02 00"));
    b.source.record(ItemKind.KIND_CONTACT, UID, Contacts.withEmail(card, "ann@climbing.example"));
    SyncResult first = a.sync();
    SyncResult merging = b.sync();
    a.sync();

    Component both =
        Contacts.withEmail(Contacts.withPhone(card, "+41 44 555 02 00"), "ann@climbing.example");
    assertThat(first.conflicts()).isZero();
    assertThat(merging.conflicts()).isZero();
    assertThat(merging.conflictCopies()).isEmpty();
    assertThat(a.source.records).containsOnlyKeys(UID);
    assertThat(a.source.record(UID)).isEqualTo(both);
    assertThat(b.source.records).isEqualTo(a.source.records);
  }

  @Test
  void theSamePropertyChangedOnBothSidesKeepsTheStoresValueAndTheOtherInAConflictCopy()
      throws IOException {
    Component card = Contacts.card(UID, 12, "+41 44 555 01 99");
    Device a = new Device("a");
    Device b = new Device("b");
    Device c = new Device("c");
    a.source.record(ItemKind.KIND_CONTACT, UID, card);
    a.sync();
    b.sync();
    c.sync();

    Component fromA = Contacts.withNote(Contacts.withPhone(card, "+1 555 0100"), "from a");
    Component fromB = Contacts.withNote(Contacts.withEmail(card, "ann@b.example"), "from b");
    a.source.record(ItemKind.KIND_CONTACT, UID, fromA);
    b.source.record(ItemKind.KIND_CONTACT, UID, fromB);
    a.sync();
    SyncResult merging = b.sync();
    a.sync();
    c.sync();

    String copyUid = UID + "-conflict-b-" + NOW;
    assertThat(merging.conflicts()).isEqualTo(1);
    assertThat(merging.conflictCopies()).containsExactly(copyUid);
    // The store's NOTE (a pushed first) wins; a's TEL and b's EMAIL are both kept.
    assertThat(a.source.record(UID))
        .isEqualTo(Contacts.withNote(Contacts.withEmail(fromA, "ann@b.example"), "from a"));
    // b's whole version is in the copy, which says whose copy it is and carries its own UID.
    Component copy = a.source.record(copyUid);
    assertThat(RecordDiff.named(copy.getPropertiesList(), "NOTE"))
        .containsExactly(Contacts.text("NOTE", "from b"));
    assertThat(RecordDiff.named(copy.getPropertiesList(), "X-DELTASYNC-CONFLICT"))
        .containsExactly(Contacts.text("X-DELTASYNC-CONFLICT", UID));
    assertThat(RecordDiff.named(copy.getPropertiesList(), "UID"))
        .containsExactly(Contacts.text("UID", copyUid));
    assertThat(withoutConflictMark(copy)).isEqualTo(Contacts.setAll(fromB, "UID", uid(copyUid)));
    assertThat(a.source.records).containsOnlyKeys(UID, copyUid);
    assertThat(b.source.records).isEqualTo(a.source.records);
    assertThat(c.source.records).isEqualTo(a.source.records);
  }

  @Test
  void bothSidesMakingTheSameChangeIsNoConflict() throws IOException {
    Component card = Contacts.card(UID, 12, "+41 44 555 01 99");
    Device a = new Device("a");
    Device b = new Device("b");
    a.source.record(ItemKind.KIND_CONTACT, UID, card);
    a.sync();
    b.sync();

    a.source.record(ItemKind.KIND_CONTACT, UID, Contacts.withNote(card, "same"));
    b.source.record(
        ItemKind.KIND_CONTACT, UID, Contacts.withPhone(Contacts.withNote(card, "same"), "+1"));
    a.sync();
    SyncResult merging = b.sync();
    a.sync();

    assertThat(merging.conflicts()).isZero();
    assertThat(a.source.record(UID))
        .isEqualTo(Contacts.withPhone(Contacts.withNote(card, "same"), "+1"));
    assertThat(b.source.records).isEqualTo(a.source.records).containsOnlyKeys(UID);
  }

  @Test
  void anOverrideEditedHereAndTheMasterEditedThereAreMerged() throws IOException {
    String uid = "standup-1";
    Component calendar = RecordEditTest.calendar("Standup");
    Device a = new Device("a");
    Device b = new Device("b");
    a.source.record(ItemKind.KIND_EVENT, uid, calendar);
    a.sync();
    b.sync();

    Component override =
        calendar.toBuilder()
            .setComponents(2, RecordEditTest.override("Standup, in room 4"))
            .build();
    Component master =
        calendar.toBuilder()
            .setComponents(
                1,
                calendar.getComponents(1).toBuilder()
                    .setProperties(2, RecordEditTest.text("RRULE", "FREQ=WEEKLY;BYDAY=WE")))
            .build();
    a.source.record(ItemKind.KIND_EVENT, uid, override);
    b.source.record(ItemKind.KIND_EVENT, uid, master);
    a.sync();
    SyncResult merging = b.sync();
    a.sync();

    assertThat(merging.conflicts()).isZero();
    assertThat(a.source.record(uid))
        .isEqualTo(
            master.toBuilder()
                .setComponents(2, RecordEditTest.override("Standup, in room 4"))
                .build());
    assertThat(b.source.records).isEqualTo(a.source.records).containsOnlyKeys(uid);
  }

  @Test
  void aRecordEditedHereAndDeletedThereComesBackEverywhere() throws IOException {
    Component card = Contacts.card(UID, 12, "+41 44 555 01 99");
    Device a = new Device("a");
    Device b = new Device("b");
    a.source.record(ItemKind.KIND_CONTACT, UID, card);
    a.sync();
    b.sync();

    Component edited = Contacts.withPhone(card, "+1 555 0100");
    a.source.records.clear();
    b.source.record(ItemKind.KIND_CONTACT, UID, edited);
    a.sync(); // the delete lands first
    b.sync();
    a.sync();

    assertThat(a.source.record(UID)).isEqualTo(edited);
    assertThat(b.source.records).isEqualTo(a.source.records).containsOnlyKeys(UID);
  }

  @Test
  void aRecordDeletedHereAndEditedThereComesBackEverywhere() throws IOException {
    Component card = Contacts.card(UID, 12, "+41 44 555 01 99");
    Device a = new Device("a");
    Device b = new Device("b");
    a.source.record(ItemKind.KIND_CONTACT, UID, card);
    a.sync();
    b.sync();

    Component edited = Contacts.withPhone(card, "+1 555 0100");
    a.source.record(ItemKind.KIND_CONTACT, UID, edited);
    b.source.records.clear();
    a.sync(); // the edit lands first
    b.sync();
    a.sync();

    assertThat(b.source.record(UID)).isEqualTo(edited);
    assertThat(a.source.records).isEqualTo(b.source.records).containsOnlyKeys(UID);
  }

  @Test
  void aPhoneEditInAThirtyPropertyContactTravelsAsARecordEditOfLessThanOneKibibyte()
      throws IOException {
    Component card = Contacts.card(UID, 30, "+41 44 555 01 99");
    Device a = new Device("a");
    Device b = new Device("b");
    a.source.record(ItemKind.KIND_CONTACT, UID, card);
    a.sync();
    b.sync();
    long cursor = store.head("contacts");

    a.source.record(ItemKind.KIND_CONTACT, UID, Contacts.withPhone(card, "+41 44 555 02 00"));
    a.sync();
    b.sync();

    List<Change> changes = changesAfter(cursor);
    assertThat(changes).singleElement().matches(Change::hasRecordEdit, "is a record edit");
    Change change = changes.get(0);
    assertThat(change.getSerializedSize()).as("bytes of the change").isLessThan(1024);
    assertThat(change.getRecordEdit().getPropertiesList())
        .extracting(PropertyEdit::getName)
        .containsExactly("TEL");
    assertThat(b.source.records).isEqualTo(a.source.records);
  }

  @Test
  void aRecordEditThatNamesAMissingComponentIsRefusedAndNothingOfItsLogIsApplied()
      throws IOException {
    String uid = "standup-1";
    Device a = new Device("a");
    Device b = new Device("b");
    a.source.record(ItemKind.KIND_EVENT, uid, RecordEditTest.calendar("Standup"));
    a.sync();
    b.sync();
    Item base = b.source.records.get(uid);
    if (base == null) {
      throw new AssertionError("b did not get the event");
    }
    Component other = Contacts.card("bob-1", 8, "+1");
    Item bob =
        Item.newBuilder()
            .setId("bob-1")
            .setUid("bob-1")
            .setKind(ItemKind.KIND_CONTACT)
            .setRecord(other)
            .build();
    Change add =
        Change.newBuilder()
            .setType(ChangeType.CHANGE_ADD)
            .setItemId("bob-1")
            .setKind(ItemKind.KIND_CONTACT)
            .setNewVersion(ItemVersions.of(bob))
            .setItem(bob)
            .build();
    Change bad =
        Change.newBuilder()
            .setType(ChangeType.CHANGE_MODIFY)
            .setItemId(uid)
            .setKind(ItemKind.KIND_EVENT)
            .setBaseVersion(ItemVersions.of(base))
            .setNewVersion(ItemVersions.of(base)) // any 32 bytes
            .setRecordEdit(
                RecordEdit.newBuilder()
                    .addProperties(
                        PropertyEdit.newBuilder()
                            .addPath(RecordEditTest.step("VEVENT", "20991231T090000"))
                            .setName("SUMMARY")))
            .build();
    append(List.of(add, bad));
    Map<String, Item> before = Map.copyOf(b.source.records);

    assertThatThrownBy(b::sync)
        .isInstanceOf(SyncException.class)
        .hasMessageContaining("nothing of it was applied")
        .hasMessageContaining("item " + uid)
        .hasMessageContaining("VEVENT[20991231T090000]");
    assertThat(b.source.records).isEqualTo(before);
  }

  @Test
  void randomConcurrentRecordEditsEndTheSameOnEveryDevice() {
    long seed = Long.getLong("deltasync.seed", System.nanoTime());
    Random random = new Random(seed);
    RandomRecords records = new RandomRecords(random);
    String what = "seed " + seed + " (rerun with -Ddeltasync.seed=" + seed + ")";
    List<Device> devices = List.of(new Device("a"), new Device("b"), new Device("c"));
    try {
      play(devices, records, random);
      for (Device device : devices) {
        assertThat(device.sync().sent())
            .as("%s: %s sends nothing more", what, device.name)
            .isZero();
        assertThat(device.source.records)
            .as("%s: records of %s", what, device.name)
            .isEqualTo(devices.get(0).source.records);
      }
    } catch (IOException | RuntimeException e) {
      throw new AssertionError(what, e);
    }
  }

  /** Random edits on every device, synced in random order; at the end each has synced twice. */
  private static void play(List<Device> devices, RandomRecords records, Random random)
      throws IOException {
    for (int i = 0; i < 3; i++) {
      devices.get(0).source.record(ItemKind.KIND_EVENT, "r" + i, records.tree("VCALENDAR", 4));
    }
    for (Device device : devices) {
      device.sync();
    }
    for (int round = 0; round < 5; round++) {
      for (Device device : devices) {
        List<String> uids = new ArrayList<>(device.source.records.keySet());
        for (int edits = random.nextInt(4); edits > 0; edits--) {
          String uid = uids.get(random.nextInt(uids.size()));
          device.source.record(ItemKind.KIND_EVENT, uid, records.edit(device.source.record(uid)));
        }
      }
      List<Device> order = new ArrayList<>(devices);
      Collections.shuffle(order, random);
      for (Device device : order) {
        device.sync();
      }
    }
    for (Device device : devices) {
      device.sync(); // everyone has everything, except what the last ones sent
    }
  }

  // ---- helpers -----------------------------------------------------------------------------

  private static Property uid(String uid) {
    return Contacts.text("UID", uid);
  }

  private static Component withoutConflictMark(Component card) {
    return card.toBuilder()
        .clearProperties()
        .addAllProperties(
            card.getPropertiesList().stream()
                .filter(p -> !p.getName().equals("X-DELTASYNC-CONFLICT"))
                .toList())
        .build();
  }

  private void append(List<Change> changes) throws IOException {
    LogHeader header =
        LogHeader.newBuilder()
            .setUser("alice")
            .setCollection("contacts")
            .setOriginDevice("m")
            .setLogId(ByteString.copyFrom(new byte[16]))
            .setBaseSequence(store.head("contacts"))
            .setCreatedMillis(NOW)
            .setCompression(Compression.COMPRESSION_ZSTD)
            .build();
    byte[] encoded = ChangeLogWriter.encode(new ChangeLog(header, changes, List.of()));
    assertThat(store.append("contacts", store.head("contacts"), encoded))
        .isInstanceOf(AppendResult.Appended.class);
  }

  private List<Change> changesAfter(long cursor) throws IOException {
    List<Change> changes = new ArrayList<>();
    for (LogEntry entry : store.list("contacts", cursor, 1000)) {
      changes.addAll(ChangeLogReader.decode(store.read("contacts", entry.sequence())).changes());
    }
    return changes;
  }

  /** A device: its source and its snapshot, synced with the shared store. */
  private final class Device {
    final String name;
    final MemorySource source = new MemorySource();
    final Path db;
    private int ids;

    Device(String name) {
      this.name = name;
      this.db = dir.resolve(name + "-home/contacts.snapshot.db");
    }

    SyncResult sync() throws IOException {
      try (SnapshotStore snapshot = SnapshotStore.open(db)) {
        SyncOptions options =
            SyncOptions.of("alice", name, "contacts", source, snapshot, store)
                .withNewIds(() -> name + "-" + ids++)
                .withClock(Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
        return new SyncOperation(options).execute();
      }
    }
  }
}
