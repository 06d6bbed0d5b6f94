package dev.deltasync.engine.internal;

import dev.deltasync.format.v1.Component;
import dev.deltasync.format.v1.Parameter;
import dev.deltasync.format.v1.Property;
import dev.deltasync.format.v1.StructuredPart;
import dev.deltasync.format.v1.StructuredValue;
import dev.deltasync.format.v1.Value;

/** Contacts as a vCard source gives them: a VCARD with the properties in file order. */
final class Contacts {
  private Contacts() {}

  /** A contact with {@code properties} properties (at least 6), one of them TEL {@code phone}. */
  static Component card(String uid, int properties, String phone) {
    Component.Builder card =
        Component.newBuilder()
            .setName("VCARD")
            .addProperties(text("UID", uid))
            .addProperties(text("FN", "Ann Example"))
            .addProperties(
                Property.newBuilder()
                    .setName("N")
                    .setValueType("text")
                    .addValues(
                        Value.newBuilder()
                            .setStructured(
                                StructuredValue.newBuilder()
                                    .addParts(StructuredPart.newBuilder().addValues("Example"))
                                    .addParts(StructuredPart.newBuilder().addValues("Ann"))
                                    .addParts(StructuredPart.getDefaultInstance()))))
            .addProperties(phone(phone))
            .addProperties(
                text("EMAIL", "ann@example.org").toBuilder()
                    .addParameters(Parameter.newBuilder().setName("TYPE").addValues("home")))
            .addProperties(text("ORG", "Example Climbing Club"));
    for (int i = card.getPropertiesCount(); i < properties; i++) {
      card.addProperties(
          text("X-CUSTOM-" + i, "a value of some length for custom property number " + i));
    }
    return card.build();
  }

  static Component withPhone(Component card, String phone) {
    return setAll(card, "TEL", phone(phone));
  }

  static Component withEmail(Component card, String email) {
    return setAll(card, "EMAIL", text("EMAIL", email));
  }

  static Component withNote(Component card, String note) {
    return setAll(card, "NOTE", text("NOTE", note));
  }

  /** {@code card} with its properties called {@code name} replaced by {@code property}. */
  static Component setAll(Component card, String name, Property property) {
    return card.toBuilder()
        .clearProperties()
        .addAllProperties(
            RecordEdits.replaceProperties(
                card.getPropertiesList(), name, java.util.List.of(property)))
        .build();
  }

  static Property phone(String number) {
    return text("TEL", number).toBuilder()
        .addParameters(Parameter.newBuilder().setName("TYPE").addValues("cell"))
        .build();
  }

  static Property text(String name, String text) {
    return Property.newBuilder()
        .setName(name)
        .setValueType("text")
        .addValues(Value.newBuilder().setText(text))
        .build();
  }
}
