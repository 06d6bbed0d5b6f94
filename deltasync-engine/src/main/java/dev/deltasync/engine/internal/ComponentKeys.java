package dev.deltasync.engine.internal;

import dev.deltasync.format.v1.ComponentOrBuilder;
import dev.deltasync.format.v1.ComponentStep;
import dev.deltasync.format.v1.Property;
import dev.deltasync.format.v1.Value;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The keys that tell same-named sub-components apart in a record edit's paths (docs/format.md,
 * 4.7): the text of the sub-component's {@code RECURRENCE-ID} if it has one, else of its {@code
 * TZID}, else {@code ""} when it is the only sub-component of its name in its parent, else {@code
 * #n}, its index among the same-named siblings. A step finds the first sibling with its name and
 * key.
 */
final class ComponentKeys {
  private ComponentKeys() {}

  /** The key of {@code siblings.get(index)} among its siblings. */
  static String key(List<? extends ComponentOrBuilder> siblings, int index) {
    return keys(siblings)[index];
  }

  /** The step that names {@code siblings.get(index)}. */
  static ComponentStep step(List<? extends ComponentOrBuilder> siblings, int index) {
    return ComponentStep.newBuilder()
        .setName(siblings.get(index).getName())
        .setKey(key(siblings, index))
        .build();
  }

  /** The index of the first sibling {@code step} names, or -1. */
  static int find(List<? extends ComponentOrBuilder> siblings, ComponentStep step) {
    String[] keys = keys(siblings);
    for (int i = 0; i < siblings.size(); i++) {
      if (siblings.get(i).getName().equals(step.getName()) && keys[i].equals(step.getKey())) {
        return i;
      }
    }
    return -1;
  }

  /** The keys of all siblings, in one pass. */
  static String[] keys(List<? extends ComponentOrBuilder> siblings) {
    Map<String, Integer> counts = new HashMap<>();
    for (ComponentOrBuilder sibling : siblings) {
      counts.merge(sibling.getName(), 1, Integer::sum);
    }
    Map<String, Integer> seen = new HashMap<>();
    String[] keys = new String[siblings.size()];
    for (int i = 0; i < keys.length; i++) {
      ComponentOrBuilder sibling = siblings.get(i);
      int position = seen.merge(sibling.getName(), 1, Integer::sum) - 1;
      String own = ownKey(sibling);
      if (own != null) {
        keys[i] = own;
      } else {
        keys[i] = counts.getOrDefault(sibling.getName(), 0) == 1 ? "" : "#" + position;
      }
    }
    return keys;
  }

  /**
   * The key that matches a sub-component across versions of a record: as {@link #key}, except that
   * the only one of its name counts as the first ({@code #0}), so adding a second alarm does not
   * make the first one look new.
   */
  static String[] matchKeys(List<? extends ComponentOrBuilder> siblings) {
    String[] keys = keys(siblings);
    for (int i = 0; i < keys.length; i++) {
      keys[i] = siblings.get(i).getName() + "\0" + (keys[i].isEmpty() ? "#0" : keys[i]);
    }
    return keys;
  }

  /** The text of the component's RECURRENCE-ID or TZID; null when it has neither. */
  private static @Nullable String ownKey(ComponentOrBuilder component) {
    String recurrence = firstText(component, "RECURRENCE-ID");
    return recurrence != null ? recurrence : firstText(component, "TZID");
  }

  private static @Nullable String firstText(ComponentOrBuilder component, String name) {
    for (Property property : component.getPropertiesList()) {
      if (property.getName().equals(name)
          && property.getValuesCount() > 0
          && property.getValues(0).getValueCase() == Value.ValueCase.TEXT) {
        return property.getValues(0).getText();
      }
    }
    return null;
  }
}
