package dev.deltasync.bench;

import dev.deltasync.format.v1.Change;
import dev.deltasync.format.v1.ChangeType;
import dev.deltasync.format.v1.Component;
import dev.deltasync.format.v1.Item;
import dev.deltasync.format.v1.ItemKind;
import dev.deltasync.format.v1.Parameter;
import dev.deltasync.format.v1.Property;
import dev.deltasync.format.v1.StructuredPart;
import dev.deltasync.format.v1.StructuredValue;
import dev.deltasync.format.v1.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

/**
 * Contacts as a vCard source reads them: each an add of one VCARD component with eleven properties,
 * as an address book app writes them (N and ADR structured, TEL with TYPE, an Apple-style {@code
 * item1.X-ABLABEL}).
 */
final class ContactChanges {
  private static final List<String> GIVEN =
      List.of(
          "Anna", "Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hugo", "Ida", "Jonas", "Lena",
          "Max", "Nora", "Oskar", "Paula", "Quentin", "Rosa", "Samuel", "Tara", "Victor");
  private static final List<String> FAMILY =
      List.of(
          "Müller",
          "Schmidt",
          "Schneider",
          "Fischer",
          "Weber",
          "Meyer",
          "Wagner",
          "Becker",
          "Schulz",
          "Hoffmann",
          "Martin",
          "Bernard",
          "Dubois",
          "Rossi",
          "García",
          "Smith",
          "Jones",
          "Novak",
          "Kowalski",
          "Jensen");
  private static final List<String> STREETS =
      List.of(
          "Hauptstraße",
          "Bahnhofstraße",
          "Gartenweg",
          "Lindenallee",
          "Rue de la Paix",
          "Via Roma",
          "High Street",
          "Main Street");
  private static final List<String> CITIES =
      List.of("Berlin", "Hamburg", "München", "Köln", "Paris", "Milano", "London", "Wien");
  private static final List<String> ORGS =
      List.of("Acme GmbH", "Example Corp", "Northwind Traders", "Globex", "Initech", "Umbrella AG");
  private static final List<String> LABELS =
      List.of("Gym", "Holiday home", "Assistant", "_$!<Other>!$_", "Boat");
  private static final List<String> NOTE_WORDS =
      List.of(
          "met",
          "at",
          "the",
          "conference",
          "in",
          "spring",
          "call",
          "before",
          "noon",
          "prefers",
          "email",
          "birthday",
          "dinner",
          "project",
          "lead",
          "old",
          "friend",
          "from",
          "school");

  private ContactChanges() {}

  static List<Change> generate(Random random, int count) {
    List<Change> changes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      changes.add(add(random));
    }
    return changes;
  }

  private static Change add(Random random) {
    String uid = "urn:uuid:" + new UUID(random.nextLong(), random.nextLong());
    Item item =
        Item.newBuilder()
            .setId(uid)
            .setKind(ItemKind.KIND_CONTACT)
            .setUid(uid)
            .setRecord(vcard(random, uid))
            .build();
    return Change.newBuilder()
        .setType(ChangeType.CHANGE_ADD)
        .setItemId(uid)
        .setKind(ItemKind.KIND_CONTACT)
        .setNewVersion(SampleLogs.hash(random))
        .setItem(item)
        .build();
  }

  private static Component vcard(Random random, String uid) {
    String given = SampleLogs.pick(random, GIVEN);
    String family = SampleLogs.pick(random, FAMILY);
    String city = SampleLogs.pick(random, CITIES);
    String email =
        (given + "." + family).toLowerCase(Locale.ROOT).replaceAll("[^a-z.]", "")
            + random.nextInt(100)
            + "@example.org";
    return Component.newBuilder()
        .setName("VCARD")
        .addProperties(text("VERSION", "4.0"))
        .addProperties(property("", "UID", "uri", Value.newBuilder().setText(uid).build()))
        .addProperties(text("FN", given + " " + family))
        .addProperties(structured("N", List.of(family, given, "", "", "")))
        .addProperties(telephone("", "cell", phone(random)))
        .addProperties(telephone("item1", "voice", phone(random)))
        .addProperties(
            property("", "EMAIL", "text", Value.newBuilder().setText(email).build()).toBuilder()
                .addParameters(parameter("TYPE", "home")))
        .addProperties(
            structured(
                    "ADR",
                    List.of(
                        "",
                        "",
                        SampleLogs.pick(random, STREETS) + " " + (1 + random.nextInt(200)),
                        city,
                        "",
                        String.valueOf(10000 + random.nextInt(90000)),
                        "Europe"))
                .toBuilder()
                .addParameters(parameter("TYPE", "home")))
        .addProperties(text("ORG", SampleLogs.pick(random, ORGS)))
        .addProperties(text("NOTE", note(random)))
        .addProperties(
            property(
                "item1",
                "X-ABLABEL",
                "unknown",
                Value.newBuilder().setText(SampleLogs.pick(random, LABELS)).build()))
        .build();
  }

  private static Property text(String name, String value) {
    return property("", name, "text", Value.newBuilder().setText(value).build());
  }

  /** A structured value with one string per part (vCard N has 5 parts, ADR 7). */
  private static Property structured(String name, List<String> parts) {
    StructuredValue.Builder value = StructuredValue.newBuilder();
    for (String part : parts) {
      value.addParts(StructuredPart.newBuilder().addValues(part));
    }
    return property("", name, "text", Value.newBuilder().setStructured(value).build());
  }

  private static Property telephone(String group, String type, String number) {
    return property(group, "TEL", "uri", Value.newBuilder().setText("tel:" + number).build())
        .toBuilder()
        .addParameters(parameter("TYPE", type))
        .build();
  }

  private static Property property(String group, String name, String valueType, Value value) {
    return Property.newBuilder()
        .setGroup(group)
        .setName(name)
        .setValueType(valueType)
        .addValues(value)
        .build();
  }

  private static Parameter parameter(String name, String value) {
    return Parameter.newBuilder().setName(name).addValues(value).build();
  }

  private static String phone(Random random) {
    return String.format(
        Locale.ROOT, "+49-%d-%07d", 150 + random.nextInt(30), random.nextInt(10_000_000));
  }

  /** A note of six to twenty words. */
  private static String note(Random random) {
    int words = 6 + random.nextInt(15);
    StringBuilder note = new StringBuilder();
    for (int i = 0; i < words; i++) {
      if (i > 0) {
        note.append(' ');
      }
      note.append(SampleLogs.pick(random, NOTE_WORDS));
    }
    return note.toString();
  }
}
