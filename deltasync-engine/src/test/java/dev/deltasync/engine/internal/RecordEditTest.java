package dev.deltasync.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.deltasync.engine.ItemVersions;
import dev.deltasync.engine.snapshot.SnapshotEntry;
import dev.deltasync.format.ChangeLog;
import dev.deltasync.format.ChangeLogFormatException;
import dev.deltasync.format.ChangeLogReader;
import dev.deltasync.format.ChangeLogWriter;
import dev.deltasync.format.v1.Change;
import dev.deltasync.format.v1.ChangeType;
import dev.deltasync.format.v1.Component;
import dev.deltasync.format.v1.ComponentEdit;
import dev.deltasync.format.v1.ComponentStep;
import dev.deltasync.format.v1.Compression;
import dev.deltasync.format.v1.Item;
import dev.deltasync.format.v1.ItemKind;
import dev.deltasync.format.v1.LogHeader;
import dev.deltasync.format.v1.Property;
import dev.deltasync.format.v1.PropertyEdit;
import dev.deltasync.format.v1.RecordEdit;
import dev.deltasync.format.v1.Value;
import java.util.List;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Record edits: what {@link RecordDiff} makes, and {@link RecordEdits} applies as specified. */
class RecordEditTest {
  @Test
  void diffThenApplyGivesTheNewRecordForRandomTreesAndEdits() {
    long seed = Long.getLong("deltasync.seed", System.nanoTime());
    RandomRecords records = new RandomRecords(new Random(seed));
    int pairs = 2000;
    int edits = 0;
    for (int i = 0; i < pairs; i++) {
      Component a = records.tree("VCALENDAR", 4);
      Component b = records.edit(a);
      String what = "seed " + seed + " (rerun with -Ddeltasync.seed=" + seed + "), pair " + i;
      Change change = ChangeMath.between(entry(a), entry(b));
      if (a.equals(b)) {
        assertThat(change).as(what).isNull();
        continue;
      }
      if (change == null) {
        throw new AssertionError(what + ": no change from " + a + " to " + b);
      }
      try {
        Item applied = ChangeMath.apply(change, event(a));
        assertThat(applied).as(what + ": %s from %s", change, a).isEqualTo(event(b));
        if (change.hasRecordEdit()) {
          edits++;
          assertThat(change.getRecordEdit().getSerializedSize())
              .as(what)
              .isLessThan(event(b).getSerializedSize());
          // The format's rules accept it: the writer checks every change, the reader again.
          assertThat(ChangeLogReader.decode(ChangeLogWriter.encode(log(change))).changes())
              .as(what)
              .containsExactly(change);
        }
      } catch (RuntimeException | ChangeLogFormatException e) {
        throw new AssertionError(what, e);
      }
    }
    assertThat(edits)
        .as("seed %d: changes sent as record edits of %d", seed, pairs)
        .isGreaterThan(pairs / 2);
  }

  @Test
  void aChangedPropertyOfAnOverrideIsOnePropertyEditKeyedByItsRecurrenceId() {
    Component before = calendar("Standup");
    Component after =
        before.toBuilder().setComponents(2, override("Standup, moved").build()).build();

    Change change = modify(entry(before), entry(after));

    assertThat(change.getRecordEdit())
        .isEqualTo(
            RecordEdit.newBuilder()
                .addProperties(
                    PropertyEdit.newBuilder()
                        .addPath(step("VEVENT", "20261104T090000"))
                        .setName("SUMMARY")
                        .addProperties(text("SUMMARY", "Standup, moved")))
                .build());
    assertThat(ChangeMath.apply(change, event(before))).isEqualTo(event(after));
  }

  @Test
  void keysAreRecurrenceIdThenTzidThenEmptyForTheOnlyOneThenTheIndex() {
    Component alarm = Component.newBuilder().setName("VALARM").build();
    Component event =
        Component.newBuilder()
            .setName("VEVENT")
            .addComponents(alarm)
            .addComponents(Component.newBuilder().setName("X-ONLY"))
            .addComponents(alarm)
            .build();
    Component calendar = calendar("Standup");

    assertThat(ComponentKeys.keys(event.getComponentsList())).containsExactly("#0", "", "#1");
    assertThat(ComponentKeys.keys(calendar.getComponentsList()))
        .containsExactly("Europe/Zurich", "#0", "20261104T090000"); // two VEVENTs
    assertThat(ComponentKeys.find(event.getComponentsList(), step("VALARM", "#1"))).isEqualTo(2);
    assertThat(ComponentKeys.find(event.getComponentsList(), step("VALARM", ""))).isEqualTo(-1);
  }

  @Test
  void aSecondAlarmIsAddedAfterTheFirstWhoseKeyTurnsFromEmptyToIndex() {
    Component alarm =
        Component.newBuilder().setName("VALARM").addProperties(text("ACTION", "DISPLAY")).build();
    Component before = calendar("Standup");
    Component master = before.getComponents(1);
    before = before.toBuilder().setComponents(1, master.toBuilder().addComponents(alarm)).build();
    Component after =
        before.toBuilder()
            .setComponents(
                1,
                before.getComponents(1).toBuilder()
                    .setComponents(0, alarm.toBuilder().addProperties(text("TRIGGER", "-PT5M")))
                    .addComponents(alarm.toBuilder().addProperties(text("TRIGGER", "-PT1H"))))
            .build();

    Change change = modify(entry(before), entry(after));

    assertThat(change.hasRecordEdit()).as("%s", change).isTrue();
    assertThat(change.getRecordEdit().getComponentsList())
        .extracting(e -> RecordEdits.describe(e.getPathList()))
        .containsExactly("VEVENT[#0] > VALARM[#1]");
    assertThat(change.getRecordEdit().getPropertiesList())
        .extracting(e -> RecordEdits.describe(e.getPathList()) + " " + e.getName())
        .containsExactly("VEVENT[#0] > VALARM[#0] TRIGGER");
    assertThat(ChangeMath.apply(change, event(before))).isEqualTo(event(after));
  }

  @Test
  void aPropertyEditReplacesEveryPropertyOfItsNameWhereTheFirstWasOrAppends() {
    Component card =
        Component.newBuilder()
            .setName("VCARD")
            .addProperties(text("TEL", "1"))
            .addProperties(text("FN", "Ann"))
            .addProperties(text("TEL", "2").toBuilder().setGroup("item1"))
            .build();
    RecordEdit edit =
        RecordEdit.newBuilder()
            .addProperties(PropertyEdit.newBuilder().setName("TEL").addProperties(text("TEL", "3")))
            .addProperties(
                PropertyEdit.newBuilder().setName("EMAIL").addProperties(text("EMAIL", "a@b")))
            .addProperties(PropertyEdit.newBuilder().setName("FN"))
            .build();

    assertThat(RecordEdits.apply(card, edit).getPropertiesList())
        .containsExactly(text("TEL", "3"), text("EMAIL", "a@b"));
  }

  @Test
  void componentEditsComeBeforePropertyEditsAndRemovingWhatIsNotThereIsNoChange() {
    Component before = calendar("Standup");
    RecordEdit edit =
        RecordEdit.newBuilder()
            // The property edit is listed first but applies after the component edits, so it
            // finds the override the component edit adds.
            .addProperties(
                PropertyEdit.newBuilder()
                    .addPath(step("VEVENT", "20261111T090000"))
                    .setName("SUMMARY")
                    .addProperties(text("SUMMARY", "later")))
            .addComponents(
                ComponentEdit.newBuilder()
                    .addPath(step("VEVENT", "20261111T090000"))
                    .setComponent(
                        override("x").setProperties(0, text("RECURRENCE-ID", "20261111T090000"))))
            .addComponents(ComponentEdit.newBuilder().addPath(step("VTODO", "")))
            .build();

    Component after = RecordEdits.apply(before, edit);

    assertThat(after.getComponentsCount()).isEqualTo(4);
    assertThat(after.getComponents(3).getPropertiesList())
        .contains(text("SUMMARY", "later"))
        .doesNotContain(text("SUMMARY", "x"));
  }

  @Test
  void anEditThroughAMissingComponentIsRefusedNamingTheItemAndThePath() {
    Change change =
        Change.newBuilder()
            .setType(ChangeType.CHANGE_MODIFY)
            .setItemId("standup-1")
            .setKind(ItemKind.KIND_EVENT)
            .setRecordEdit(
                RecordEdit.newBuilder()
                    .addProperties(
                        PropertyEdit.newBuilder()
                            .addPath(step("VEVENT", "20991231T090000"))
                            .setName("SUMMARY")))
            .build();

    assertThatThrownBy(() -> ChangeMath.apply(change, event(calendar("Standup"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("item standup-1")
        .hasMessageContaining("VEVENT[20991231T090000]");
  }

  @Test
  void aPhoneEditInAThirtyPropertyContactIsAFewHundredBytes() throws ChangeLogFormatException {
    Component before = Contacts.card("ann-1", 30, "+41 44 555 01 99");
    Component after = Contacts.withPhone(before, "+41 44 555 02 00");

    Change change = modify(contact(before), contact(after));
    int encoded = change.getSerializedSize();

    assertThat(change.hasRecordEdit()).isTrue();
    assertThat(encoded).as("bytes of the change").isLessThan(300);
    assertThat(contact(after).item().getSerializedSize()).isGreaterThan(3 * encoded);
    assertThat(ChangeLogReader.decode(ChangeLogWriter.encode(log(change))).changes())
        .containsExactly(change);
  }

  // ---- fixtures ----------------------------------------------------------------------------

  /** VCALENDAR: a VTIMEZONE, the master VEVENT, one override. */
  static Component calendar(String summary) {
    return Component.newBuilder()
        .setName("VCALENDAR")
        .addComponents(
            Component.newBuilder()
                .setName("VTIMEZONE")
                .addProperties(text("TZID", "Europe/Zurich"))
                .addComponents(
                    Component.newBuilder()
                        .setName("STANDARD")
                        .addProperties(text("TZOFFSETTO", "+0100"))))
        .addComponents(
            Component.newBuilder()
                .setName("VEVENT")
                .addProperties(text("UID", "standup-1"))
                .addProperties(text("SUMMARY", summary))
                .addProperties(text("RRULE", "FREQ=WEEKLY")))
        .addComponents(override(summary))
        .build();
  }

  static Component.Builder override(String summary) {
    return Component.newBuilder()
        .setName("VEVENT")
        .addProperties(text("RECURRENCE-ID", "20261104T090000"))
        .addProperties(text("UID", "standup-1"))
        .addProperties(text("SUMMARY", summary));
  }

  static Property text(String name, String text) {
    return Property.newBuilder()
        .setName(name)
        .setValueType("text")
        .addValues(Value.newBuilder().setText(text))
        .build();
  }

  static ComponentStep step(String name, String key) {
    return ComponentStep.newBuilder().setName(name).setKey(key).build();
  }

  private static Change modify(SnapshotEntry before, SnapshotEntry after) {
    Change change = ChangeMath.between(before, after);
    if (change == null) {
      throw new AssertionError("no change between " + before + " and " + after);
    }
    return change;
  }

  private static Item event(Component record) {
    return Item.newBuilder()
        .setId("standup-1")
        .setUid("standup-1")
        .setKind(ItemKind.KIND_EVENT)
        .setRecord(record)
        .build();
  }

  private static SnapshotEntry entry(Component record) {
    Item item = event(record);
    return new SnapshotEntry(item, ItemVersions.of(item), null, null);
  }

  private static SnapshotEntry contact(Component record) {
    Item item =
        Item.newBuilder()
            .setId("ann-1")
            .setUid("ann-1")
            .setKind(ItemKind.KIND_CONTACT)
            .setRecord(record)
            .build();
    return new SnapshotEntry(item, ItemVersions.of(item), null, null);
  }

  private static ChangeLog log(@Nullable Change change) {
    LogHeader header =
        LogHeader.newBuilder()
            .setUser("alice")
            .setCollection("calendar")
            .setOriginDevice("a")
            .setLogId(ByteString.copyFrom(new byte[16]))
            .setCompression(Compression.COMPRESSION_ZSTD)
            .build();
    return new ChangeLog(header, change == null ? List.of() : List.of(change), List.of());
  }
}
