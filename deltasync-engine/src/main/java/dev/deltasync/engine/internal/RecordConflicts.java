package dev.deltasync.engine.internal;

import dev.deltasync.format.v1.Component;
import dev.deltasync.format.v1.Item;
import dev.deltasync.format.v1.Property;
import dev.deltasync.format.v1.Value;

/**
 * Conflict copies of records: a second record with a UID of its own that keeps a version that lost
 * a conflict. It says which record it is a copy of in an {@code X-DELTASYNC-CONFLICT} property
 * (text: the original UID) — in the {@code VCARD}, or in every {@code VEVENT} and {@code VTODO} of
 * a {@code VCALENDAR} — and every {@code UID} property in it carries the new UID, so that the
 * source writes it as a record of its own.
 */
final class RecordConflicts {
  static final String MARK = "X-DELTASYNC-CONFLICT";

  private RecordConflicts() {}

  /** {@code item} (a record) as a conflict copy with the UID {@code uid}. */
  static Item copy(Item item, String uid) {
    Component record = rewrite(item.getRecord(), item.getUid(), uid, true);
    return item.toBuilder().setId(uid).setUid(uid).setRecord(record).build();
  }

  private static Component rewrite(Component component, String original, String uid, boolean root) {
    Component.Builder copy = component.toBuilder().clearProperties().clearComponents();
    for (Property property : component.getPropertiesList()) {
      if (property.getName().equals(MARK)) {
        continue; // a copy of a copy names the record it was copied from last
      }
      if (property.getName().equals("UID")) {
        property =
            property.toBuilder().clearValues().addValues(Value.newBuilder().setText(uid)).build();
      }
      copy.addProperties(property);
    }
    String name = component.getName();
    if ((root && name.equals("VCARD")) || name.equals("VEVENT") || name.equals("VTODO")) {
      copy.addProperties(
          Property.newBuilder()
              .setName(MARK)
              .setValueType("text")
              .addValues(Value.newBuilder().setText(original)));
    }
    for (Component child : component.getComponentsList()) {
      copy.addComponents(rewrite(child, original, uid, false));
    }
    return copy.build();
  }
}
