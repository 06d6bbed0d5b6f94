package dev.deltasync.sources.vcard;

import dev.deltasync.format.v1.Component;
import dev.deltasync.format.v1.Parameter;
import dev.deltasync.format.v1.Property;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Gives back what a vCard 2.1 file could not hold. 2.1 cannot write a parameter value with a colon
 * or a line break (a 4.0 {@code ADR;GEO="geo:..."}), so a contact received from a newer device and
 * written here lacks it; read again after a local edit of another field, the contact would send the
 * poorer property back and strip it everywhere. A property read here that equals one of the last
 * synced version but for such values is that property.
 */
final class Old21Losses {
  private Old21Losses() {}

  /**
   * {@code read}, with each property that lost only unwritable values taken from {@code synced}.
   */
  static Component restore(Component read, Component synced) {
    List<Property> candidates = new ArrayList<>(synced.getPropertiesList());
    Component.Builder restored = read.toBuilder().clearProperties();
    for (Property property : read.getPropertiesList()) {
      Property match = null;
      for (Property candidate : candidates) {
        if (!candidate.equals(property) && sameBut21Losses(property, candidate)) {
          match = candidate;
          break;
        }
      }
      if (match != null) {
        candidates.remove(match);
        restored.addProperties(match);
      } else {
        restored.addProperties(property);
      }
    }
    return restored.build();
  }

  private static boolean sameBut21Losses(Property read, Property synced) {
    return read.getGroup().equals(synced.getGroup())
        && read.getName().equals(synced.getName())
        && read.getValueType().equals(synced.getValueType())
        && read.getValuesList().equals(synced.getValuesList())
        && parameters(read.getParametersList(), false)
            .equals(parameters(synced.getParametersList(), true));
  }

  /** Parameters as name to values, in order of name; {@code strip}: without unwritable values. */
  private static Map<String, List<String>> parameters(List<Parameter> parameters, boolean strip) {
    Map<String, List<String>> out = new TreeMap<>();
    for (Parameter parameter : parameters) {
      for (String value : parameter.getValuesList()) {
        if (strip
            && (value.indexOf(':') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0)) {
          continue;
        }
        out.computeIfAbsent(parameter.getName(), k -> new ArrayList<>()).add(value);
      }
    }
    out.values().forEach(values -> values.sort(null));
    return out;
  }
}
