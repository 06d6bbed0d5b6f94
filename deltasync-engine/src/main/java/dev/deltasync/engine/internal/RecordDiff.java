package dev.deltasync.engine.internal;

import dev.deltasync.format.FormatLimits;
import dev.deltasync.format.v1.Component;
import dev.deltasync.format.v1.ComponentEdit;
import dev.deltasync.format.v1.ComponentStep;
import dev.deltasync.format.v1.Property;
import dev.deltasync.format.v1.PropertyEdit;
import dev.deltasync.format.v1.RecordEdit;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The {@link RecordEdit} from one version of a record to another: per component, one property edit
 * per property name that changed; sub-components matched by key ({@link ComponentKeys}) are
 * compared in turn, or replaced whole when that is smaller; the others are removed or added.
 *
 * <p>Component edits are laid out so that each path resolves when it is applied: edits inside a
 * sub-component come before the removals and additions among its siblings, so their paths use the
 * keys of the old record; property edits, applied after every component edit, use the keys of the
 * new one. An edit that would not give exactly the new record (the order of same-named properties
 * or of sub-components changed in a way edits cannot say) is not made: the caller sends the whole
 * record.
 */
final class RecordDiff {
  private final List<ComponentEdit> components = new ArrayList<>();
  private final List<PropertyEdit> properties = new ArrayList<>();
  private long size;

  private RecordDiff() {}

  /**
   * The edit that makes {@code after} of {@code before}; null when they are equal or no edit gives
   * exactly {@code after}.
   */
  static @Nullable RecordEdit between(Component before, Component after) {
    if (before.equals(after) || !before.getName().equals(after.getName())) {
      return null;
    }
    RecordDiff diff = new RecordDiff();
    if (!diff.component(List.of(), List.of(), before, after)) {
      return null;
    }
    RecordEdit edit =
        RecordEdit.newBuilder()
            .addAllComponents(diff.components)
            .addAllProperties(diff.properties)
            .build();
    try {
      // The layout above is meant to resolve; this makes sure, so no device ever gets an edit
      // that leads elsewhere than the sender's record.
      return RecordEdits.apply(before, edit).equals(after) ? edit : null;
    } catch (IllegalStateException e) {
      return null;
    }
  }

  /**
   * Adds the edits from {@code a} to {@code b} (the same component in both versions, reached by
   * {@code aPath} in the old record and by {@code bPath} in the new one). Returns false when edits
   * cannot give {@code b}'s order; then what was added must be dropped.
   */
  private boolean component(
      List<ComponentStep> aPath, List<ComponentStep> bPath, Component a, Component b) {
    return children(aPath, bPath, a.getComponentsList(), b.getComponentsList())
        && properties(bPath, a.getPropertiesList(), b.getPropertiesList());
  }

  private boolean properties(List<ComponentStep> path, List<Property> a, List<Property> b) {
    if (a.equals(b)) {
      return true;
    }
    Set<String> names = new LinkedHashSet<>();
    b.forEach(p -> names.add(p.getName()));
    a.forEach(p -> names.add(p.getName()));
    List<Property> result = a;
    for (String name : names) {
      List<Property> now = named(b, name);
      if (!named(a, name).equals(now)) {
        add(PropertyEdit.newBuilder().addAllPath(path).setName(name).addAllProperties(now).build());
        result = RecordEdits.replaceProperties(result, name, now);
      }
    }
    return result.equals(b);
  }

  static List<Property> named(List<Property> properties, String name) {
    List<Property> named = new ArrayList<>();
    for (Property property : properties) {
      if (property.getName().equals(name)) {
        named.add(property);
      }
    }
    return named;
  }

  private boolean children(
      List<ComponentStep> aPath, List<ComponentStep> bPath, List<Component> a, List<Component> b) {
    if (a.equals(b)) {
      return true;
    }
    String[] aSteps = ComponentKeys.keys(a);
    String[] bSteps = ComponentKeys.keys(b);
    if (!validKeys(aSteps) || !validKeys(bSteps)) {
      return false;
    }
    String[] aKeys = ComponentKeys.matchKeys(a);
    String[] bKeys = ComponentKeys.matchKeys(b);
    Map<String, Integer> inB = index(bKeys);
    if (index(aKeys).size() != a.size() || inB.size() != b.size()) {
      return false; // two siblings with one key: a step could not tell them apart
    }
    // Kept sub-components stay where they are and added ones go after the last: b must be the
    // kept ones in their old order, then the added ones.
    int[] match = new int[a.size()];
    int last = -1;
    int kept = 0;
    for (int i = 0; i < a.size(); i++) {
      match[i] = inB.getOrDefault(aKeys[i], -1);
      if (match[i] >= 0) {
        if (match[i] < last) {
          return false;
        }
        last = match[i];
        kept++;
      }
    }
    if (last >= kept) {
      return false; // an added one sits between kept ones
    }
    List<Component> current = new ArrayList<>(a);
    for (int i = 0; i < a.size(); i++) {
      int j = match[i];
      if (j >= 0 && !a.get(i).equals(b.get(j))) {
        changed(
            append(aPath, a.get(i).getName(), aSteps[i]),
            append(bPath, b.get(j).getName(), bSteps[j]),
            a.get(i),
            b.get(j));
        current.set(i, b.get(j));
      }
    }
    for (int i = a.size() - 1; i >= 0; i--) {
      if (match[i] < 0) {
        add(ComponentEdit.newBuilder().addAllPath(aPath).addPath(step(current, i)).build());
        current.remove(i);
      }
    }
    for (int j = kept; j < b.size(); j++) {
      current.add(b.get(j));
      ComponentStep step = step(current, current.size() - 1);
      if (ComponentKeys.find(current.subList(0, current.size() - 1), step) >= 0) {
        return false; // the step would find another sibling
      }
      add(
          ComponentEdit.newBuilder()
              .addAllPath(aPath)
              .addPath(step)
              .setComponent(b.get(j))
              .build());
    }
    return true;
  }

  /** A sub-component in both versions that differs: the smaller of its edits and a replacement. */
  private void changed(
      List<ComponentStep> aPath, List<ComponentStep> bPath, Component a, Component b) {
    ComponentEdit whole = ComponentEdit.newBuilder().addAllPath(aPath).setComponent(b).build();
    RecordDiff inner = new RecordDiff();
    if (inner.component(aPath, bPath, a, b) && inner.size < whole.getSerializedSize()) {
      inner.components.forEach(this::add);
      inner.properties.forEach(this::add);
    } else {
      add(whole);
    }
  }

  private void add(ComponentEdit edit) {
    components.add(edit);
    size += edit.getSerializedSize();
  }

  private void add(PropertyEdit edit) {
    properties.add(edit);
    size += edit.getSerializedSize();
  }

  private static ComponentStep step(List<Component> siblings, int index) {
    return ComponentKeys.step(siblings, index);
  }

  private static List<ComponentStep> append(List<ComponentStep> path, String name, String key) {
    List<ComponentStep> longer = new ArrayList<>(path);
    longer.add(ComponentStep.newBuilder().setName(name).setKey(key).build());
    return longer;
  }

  /**
   * Whether every key obeys the format's name rules (docs/format.md, 4.8), as a step's key must: a
   * RECURRENCE-ID or TZID may be longer or hold control characters.
   */
  private static boolean validKeys(String[] keys) {
    for (String key : keys) {
      if (key.length() * 3L > FormatLimits.MAX_NAME_BYTES
          && key.getBytes(StandardCharsets.UTF_8).length > FormatLimits.MAX_NAME_BYTES) {
        return false;
      }
      for (int i = 0; i < key.length(); i++) {
        if (key.charAt(i) < 0x20 || key.charAt(i) == 0x7f) {
          return false;
        }
      }
    }
    return true;
  }

  private static Map<String, Integer> index(String[] keys) {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < keys.length; i++) {
      index.putIfAbsent(keys[i], i);
    }
    return index;
  }
}
