package dev.deltasync.sources.vcard;

import dev.deltasync.format.v1.Component;
import dev.deltasync.format.v1.Parameter;
import dev.deltasync.format.v1.Property;

/** What docs/vcard.md says a record loses when written in a version ("What 2.1 cannot hold"). */
final class DocumentedLosses {
  private DocumentedLosses() {}

  static Component apply(Component record, VCardVersion version) {
    if (version != VCardVersion.V2_1) {
      return record;
    }
    Component.Builder out = record.toBuilder().clearProperties();
    for (Property property : record.getPropertiesList()) {
      Property.Builder kept = property.toBuilder().clearParameters();
      for (Parameter parameter : property.getParametersList()) {
        Parameter.Builder values = parameter.toBuilder().clearValues();
        for (String value : parameter.getValuesList()) {
          if (value.indexOf(':') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            values.addValues(value);
          }
        }
        if (values.getValuesCount() > 0) {
          kept.addParameters(values);
        }
      }
      out.addProperties(kept);
    }
    return out.build();
  }
}
