package dev.deltasync.engine.internal;

import com.google.protobuf.ByteString;
import dev.deltasync.format.v1.Component;
import dev.deltasync.format.v1.Parameter;
import dev.deltasync.format.v1.Property;
import dev.deltasync.format.v1.StructuredPart;
import dev.deltasync.format.v1.StructuredValue;
import dev.deltasync.format.v1.Value;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Random record trees and random edits of them, drawn from few names so that edits collide: the
 * same property name several times (in groups, not always side by side), same-named sub-components,
 * RECURRENCE-ID and TZID keys that appear, vanish and clash.
 */
final class RandomRecords {
  private static final String[] PROPERTIES = {
    "TEL", "EMAIL", "SUMMARY", "UID", "X-A", "CATEGORIES", "NOTE", "DTSTART"
  };
  private static final String[] COMPONENTS = {"VEVENT", "VTODO", "VTIMEZONE", "VALARM", "X-SUB"};
  private static final String[] TEXTS = {"a", "b", "20261104T090000", "Europe/Zurich", "x y", ""};

  private final Random random;

  RandomRecords(Random random) {
    this.random = random;
  }

  /** A tree under a root called {@code name}, at most {@code depth} levels deep. */
  Component tree(String name, int depth) {
    Component.Builder component = Component.newBuilder().setName(name);
    int properties = random.nextInt(6);
    for (int i = 0; i < properties; i++) {
      component.addProperties(property(pick(PROPERTIES)));
    }
    if (depth > 1 && random.nextInt(10) < 3) {
      component.addProperties(property(random.nextBoolean() ? "RECURRENCE-ID" : "TZID"));
    }
    int children = depth > 1 ? random.nextInt(4) : 0;
    for (int i = 0; i < children; i++) {
      component.addComponents(tree(pick(COMPONENTS), depth - 1));
    }
    return component.build();
  }

  /** {@code tree} after one to four random edits, anywhere in it. */
  Component edit(Component tree) {
    Component edited = tree;
    int edits = 1 + random.nextInt(4);
    for (int i = 0; i < edits; i++) {
      edited = editSomewhere(edited, 3);
    }
    return edited;
  }

  private Component editSomewhere(Component component, int depth) {
    if (component.getComponentsCount() > 0 && random.nextInt(3) > 0) {
      int at = random.nextInt(component.getComponentsCount());
      return component.toBuilder()
          .setComponents(at, editSomewhere(component.getComponents(at), depth - 1))
          .build();
    }
    Component.Builder edited = component.toBuilder();
    List<Property> properties = new ArrayList<>(edited.getPropertiesList());
    List<Component> children = new ArrayList<>(edited.getComponentsList());
    switch (random.nextInt(9)) {
      case 0, 1 -> { // change one property's value
        if (!properties.isEmpty()) {
          int at = random.nextInt(properties.size());
          properties.set(at, property(properties.get(at).getName()));
        }
      }
      case 2 -> properties.add(random.nextInt(properties.size() + 1), property(pick(PROPERTIES)));
      case 3 -> {
        if (!properties.isEmpty()) {
          properties.remove(random.nextInt(properties.size()));
        }
      }
      case 4 -> Collections.shuffle(properties, random);
      case 5 -> children.add(random.nextInt(children.size() + 1), tree(pick(COMPONENTS), depth));
      case 6 -> {
        if (!children.isEmpty()) {
          children.remove(random.nextInt(children.size()));
        }
      }
      case 7 -> Collections.shuffle(children, random);
      default ->
          properties.add(property(random.nextBoolean() ? "RECURRENCE-ID" : "TZID")); // a new key
    }
    return edited
        .clearProperties()
        .addAllProperties(properties)
        .clearComponents()
        .addAllComponents(children)
        .build();
  }

  Property property(String name) {
    Property.Builder property = Property.newBuilder().setName(name).setValueType("text");
    if (random.nextInt(4) == 0) {
      property.setGroup("item" + random.nextInt(3));
    }
    if (random.nextInt(3) == 0) {
      property.addParameters(Parameter.newBuilder().setName("TYPE").addValues(pick(TEXTS)));
    }
    int values = random.nextInt(3);
    for (int i = 0; i < values; i++) {
      property.addValues(value());
    }
    if (name.equals("RECURRENCE-ID") || name.equals("TZID")) {
      property.clearValues().addValues(Value.newBuilder().setText(pick(TEXTS)));
    }
    return property.build();
  }

  private Value value() {
    return switch (random.nextInt(5)) {
      case 0 ->
          Value.newBuilder()
              .setStructured(
                  StructuredValue.newBuilder()
                      .addParts(StructuredPart.newBuilder().addValues(pick(TEXTS)))
                      .addParts(StructuredPart.getDefaultInstance()))
              .build();
      case 1 -> Value.newBuilder().setBinary(ByteString.copyFrom(new byte[] {1, 2, 3})).build();
      default -> Value.newBuilder().setText(pick(TEXTS) + random.nextInt(4)).build();
    };
  }

  private String pick(String[] names) {
    return names[random.nextInt(names.length)];
  }
}
