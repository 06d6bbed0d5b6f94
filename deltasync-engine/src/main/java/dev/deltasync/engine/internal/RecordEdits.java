package dev.deltasync.engine.internal;

import dev.deltasync.format.v1.Component;
import dev.deltasync.format.v1.ComponentEdit;
import dev.deltasync.format.v1.ComponentStep;
import dev.deltasync.format.v1.Property;
import dev.deltasync.format.v1.PropertyEdit;
import dev.deltasync.format.v1.RecordEdit;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies a {@link RecordEdit} to a record exactly as docs/format.md (4.7) says: first every
 * component edit, in order, then every property edit, in order; each path resolved from the root
 * one step at a time ({@link ComponentKeys}).
 */
final class RecordEdits {
  private RecordEdits() {}

  /**
   * The record {@code edit} makes of {@code base}.
   *
   * @throws IllegalStateException when a path names a component the record does not have (a
   *     component edit's last step excepted: that one adds or is no change)
   */
  static Component apply(Component base, RecordEdit edit) {
    Component.Builder root = base.toBuilder();
    for (ComponentEdit change : edit.getComponentsList()) {
      List<ComponentStep> path = change.getPathList();
      if (path.isEmpty()) {
        throw new IllegalStateException("a component edit without a path");
      }
      Component.Builder parent = resolve(root, path.subList(0, path.size() - 1), path);
      int at = ComponentKeys.find(parent.getComponentsOrBuilderList(), path.get(path.size() - 1));
      if (change.hasComponent()) {
        if (at >= 0) {
          parent.setComponents(at, change.getComponent());
        } else {
          parent.addComponents(change.getComponent());
        }
      } else if (at >= 0) {
        parent.removeComponents(at);
      }
    }
    for (PropertyEdit change : edit.getPropertiesList()) {
      Component.Builder component = resolve(root, change.getPathList(), change.getPathList());
      List<Property> properties =
          replaceProperties(
              component.getPropertiesList(), change.getName(), change.getPropertiesList());
      component.clearProperties().addAllProperties(properties);
    }
    return root.build();
  }

  /**
   * {@code properties} with every property called {@code name} replaced by {@code replacement}, put
   * where the first old one was, or after the last property when there was none.
   */
  static List<Property> replaceProperties(
      List<Property> properties, String name, List<Property> replacement) {
    List<Property> result = new ArrayList<>(properties.size() + replacement.size());
    boolean placed = false;
    for (Property property : properties) {
      if (!property.getName().equals(name)) {
        result.add(property);
      } else if (!placed) {
        result.addAll(replacement);
        placed = true;
      }
    }
    if (!placed) {
      result.addAll(replacement);
    }
    return result;
  }

  private static Component.Builder resolve(
      Component.Builder root, List<ComponentStep> steps, List<ComponentStep> whole) {
    Component.Builder at = root;
    for (ComponentStep step : steps) {
      int index = ComponentKeys.find(at.getComponentsOrBuilderList(), step);
      if (index < 0) {
        throw new IllegalStateException(
            "the record has no component " + describe(whole) + " (no " + describe(step) + ")");
      }
      at = at.getComponentsBuilder(index);
    }
    return at;
  }

  /** A path for people: {@code VEVENT[20261104T090000] > VALARM[#1]}. */
  static String describe(List<ComponentStep> path) {
    List<String> steps = new ArrayList<>();
    for (ComponentStep step : path) {
      steps.add(describe(step));
    }
    return steps.isEmpty() ? "(root)" : String.join(" > ", steps);
  }

  private static String describe(ComponentStep step) {
    return step.getKey().isEmpty() ? step.getName() : step.getName() + "[" + step.getKey() + "]";
  }
}
