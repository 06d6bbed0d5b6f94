package dev.deltasync.engine.internal;

import static dev.deltasync.engine.internal.RecordEditTest.calendar;
import static dev.deltasync.engine.internal.RecordEditTest.override;
import static dev.deltasync.engine.internal.RecordEditTest.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.deltasync.format.v1.Component;
import dev.deltasync.format.v1.Item;
import dev.deltasync.format.v1.ItemKind;
import org.junit.jupiter.api.Test;

/** The three-way merge of records ({@link RecordMerge}) and their conflict copies. */
class RecordMergeTest {
  private static final Component ALARM =
      Component.newBuilder().setName("VALARM").addProperties(text("ACTION", "DISPLAY")).build();

  @Test
  void anAlarmAddedThereAndTheOnlyAlarmEditedHereAreBothKept() {
    Component base = withMasterAlarms(calendar("Standup"), ALARM);
    Component edited = ALARM.toBuilder().addProperties(text("TRIGGER", "-PT5M")).build();
    Component added = ALARM.toBuilder().addProperties(text("TRIGGER", "-PT1H")).build();
    Component mine = withMasterAlarms(base, edited);
    Component theirs = withMasterAlarms(base, ALARM, added);

    RecordMerge.Result result = RecordMerge.merge(base, mine, theirs);

    assertThat(result.conflicted()).isFalse();
    assertThat(result.merged()).isEqualTo(withMasterAlarms(base, edited, added));
  }

  @Test
  void anOverrideRemovedThereAndEditedHereStaysEdited() {
    Component base = calendar("Standup");
    Component mine = base.toBuilder().setComponents(2, override("Standup, room 4")).build();
    Component theirs = base.toBuilder().removeComponents(2).build();

    RecordMerge.Result result = RecordMerge.merge(base, mine, theirs);

    assertThat(result.conflicted()).isFalse();
    assertThat(result.merged()).isEqualTo(mine);
  }

  @Test
  void theSamePropertyChangedDifferentlyKeepsTheirsAndSaysSo() {
    Component base = calendar("Standup");
    Component mine = base.toBuilder().setComponents(2, override("mine")).build();
    Component theirs = base.toBuilder().setComponents(2, override("theirs")).build();

    RecordMerge.Result result = RecordMerge.merge(base, mine, theirs);

    assertThat(result.conflicted()).isTrue();
    assertThat(result.merged()).isEqualTo(theirs);
  }

  @Test
  void aConflictCopyOfAnEventIsMarkedInEveryEventAndCarriesItsNewUidEverywhere() {
    Item event =
        Item.newBuilder()
            .setId("standup-1")
            .setUid("standup-1")
            .setKind(ItemKind.KIND_EVENT)
            .setRecord(calendar("Standup"))
            .build();

    Item copy = RecordConflicts.copy(event, "standup-1-conflict-b-7");

    assertThat(copy.getId()).isEqualTo("standup-1-conflict-b-7");
    assertThat(copy.getUid()).isEqualTo("standup-1-conflict-b-7");
    Component record = copy.getRecord();
    assertThat(record.getPropertiesList()).isEmpty();
    assertThat(record.getComponents(0)).isEqualTo(event.getRecord().getComponents(0));
    for (Component vevent : record.getComponentsList().subList(1, 3)) {
      assertThat(RecordDiff.named(vevent.getPropertiesList(), "UID"))
          .containsExactly(text("UID", "standup-1-conflict-b-7"));
      assertThat(RecordDiff.named(vevent.getPropertiesList(), "X-DELTASYNC-CONFLICT"))
          .containsExactly(text("X-DELTASYNC-CONFLICT", "standup-1"));
    }
  }

  /** {@code calendar} with the master VEVENT's alarms replaced by {@code alarms}. */
  private static Component withMasterAlarms(Component calendar, Component... alarms) {
    Component master = calendar.getComponents(1);
    return calendar.toBuilder()
        .setComponents(
            1, master.toBuilder().clearComponents().addAllComponents(java.util.List.of(alarms)))
        .build();
  }
}
