package dev.deltasync.engine.internal;

import dev.deltasync.format.v1.Component;
import dev.deltasync.format.v1.Property;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The three-way merge of a record changed on two devices, against the version both started from.
 * The store's version (already appended) is the starting point; every change this device made is
 * carried over where the store's version did not change the same thing. Properties are compared by
 * name per component (all properties of one name, in any group, count as one), sub-components by
 * key ({@link ComponentKeys}). The same property name changed on both sides to different results is
 * a conflict: the store's value stays. A sub-component removed on one side and changed on the other
 * stays, changed (an edit beats a delete).
 */
final class RecordMerge {
  /**
   * The merged record, and whether any change of this device's was left out for a conflict (the
   * caller then keeps this device's whole version in a conflict copy).
   */
  record Result(Component merged, boolean conflicted) {}

  private boolean conflicted;

  private RecordMerge() {}

  /**
   * Merges {@code mine} (this device's version) into {@code theirs} (the store's), both changed
   * from {@code base}. All three have the same root name.
   */
  static Result merge(Component base, Component mine, Component theirs) {
    RecordMerge merge = new RecordMerge();
    Component merged = merge.component(base, mine, theirs);
    return new Result(merged, merge.conflicted);
  }

  private Component component(Component base, Component mine, Component theirs) {
    Component.Builder merged = theirs.toBuilder();
    mergeProperties(base, mine, theirs, merged);
    mergeChildren(base, mine, theirs, merged);
    return merged.build();
  }

  private void mergeProperties(
      Component base, Component mine, Component theirs, Component.Builder merged) {
    Set<String> names = new LinkedHashSet<>();
    mine.getPropertiesList().forEach(p -> names.add(p.getName()));
    base.getPropertiesList().forEach(p -> names.add(p.getName()));
    List<Property> properties = theirs.getPropertiesList();
    for (String name : names) {
      List<Property> was = RecordDiff.named(base.getPropertiesList(), name);
      List<Property> ours = RecordDiff.named(mine.getPropertiesList(), name);
      if (was.equals(ours)) {
        continue; // not changed here
      }
      List<Property> other = RecordDiff.named(theirs.getPropertiesList(), name);
      if (other.equals(was)) {
        properties = RecordEdits.replaceProperties(properties, name, ours);
      } else if (!other.equals(ours)) {
        conflicted = true; // changed on both sides to different results: the store's stays
      }
    }
    merged.clearProperties().addAllProperties(properties);
  }

  private void mergeChildren(
      Component base, Component mine, Component theirs, Component.Builder merged) {
    Map<String, Component> was = byKey(base.getComponentsList());
    Map<String, Component> ours = byKey(mine.getComponentsList());
    Map<String, Component> other = byKey(theirs.getComponentsList());
    Set<String> order = new LinkedHashSet<>(other.keySet());
    Map<String, @Nullable Component> result = new HashMap<>(other);
    Set<String> keys = new LinkedHashSet<>(ours.keySet());
    keys.addAll(was.keySet());
    for (String key : keys) {
      Component before = was.get(key);
      Component now = ours.get(key);
      if (Objects.equals(before, now)) {
        continue;
      }
      Component there = other.get(key);
      Component chosen;
      if (Objects.equals(there, before)) {
        chosen = now; // changed only here
      } else if (Objects.equals(there, now)) {
        continue;
      } else if (now == null || there == null) {
        chosen = now == null ? there : now; // removed on one side, changed on the other
      } else {
        Component from =
            before != null ? before : Component.newBuilder().setName(now.getName()).build();
        chosen = component(from, now, there);
      }
      order.add(key);
      result.put(key, chosen);
    }
    merged.clearComponents();
    for (String key : order) {
      Component child = result.get(key);
      if (child != null) {
        merged.addComponents(child);
      }
    }
  }

  /**
   * Sub-components by match key; when two share one (they cannot be told apart), the later one gets
   * a key of its own so that neither is lost.
   */
  private static Map<String, Component> byKey(List<Component> components) {
    String[] keys = ComponentKeys.matchKeys(components);
    Map<String, Component> byKey = new LinkedHashMap<>();
    for (int i = 0; i < keys.length; i++) {
      String key = keys[i];
      for (int n = 1; byKey.containsKey(key); n++) {
        key = keys[i] + "\0" + n;
      }
      byKey.put(key, components.get(i));
    }
    return byKey;
  }
}
