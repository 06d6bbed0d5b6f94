package dev.deltasync.sources.ical;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The value types of iCalendar properties (RFC 5545 section 3.8, RFC 7986), jCal spelling. */
final class ValueTypes {
  private ValueTypes() {}

  static final String TEXT = "text";
  static final String UNKNOWN = "unknown";

  private static final Map<String, String> DEFAULTS =
      Map.ofEntries(
          Map.entry("CALSCALE", TEXT),
          Map.entry("METHOD", TEXT),
          Map.entry("PRODID", TEXT),
          Map.entry("VERSION", TEXT),
          Map.entry("ATTACH", "uri"),
          Map.entry("CATEGORIES", TEXT),
          Map.entry("CLASS", TEXT),
          Map.entry("COMMENT", TEXT),
          Map.entry("DESCRIPTION", TEXT),
          Map.entry("GEO", "float"),
          Map.entry("LOCATION", TEXT),
          Map.entry("PERCENT-COMPLETE", "integer"),
          Map.entry("PRIORITY", "integer"),
          Map.entry("RESOURCES", TEXT),
          Map.entry("STATUS", TEXT),
          Map.entry("SUMMARY", TEXT),
          Map.entry("COMPLETED", "date-time"),
          Map.entry("DTEND", "date-time"),
          Map.entry("DUE", "date-time"),
          Map.entry("DTSTART", "date-time"),
          Map.entry("DURATION", "duration"),
          Map.entry("FREEBUSY", "period"),
          Map.entry("TRANSP", TEXT),
          Map.entry("TZID", TEXT),
          Map.entry("TZNAME", TEXT),
          Map.entry("TZOFFSETFROM", "utc-offset"),
          Map.entry("TZOFFSETTO", "utc-offset"),
          Map.entry("TZURL", "uri"),
          Map.entry("ATTENDEE", "cal-address"),
          Map.entry("CONTACT", TEXT),
          Map.entry("ORGANIZER", "cal-address"),
          Map.entry("RECURRENCE-ID", "date-time"),
          Map.entry("RELATED-TO", TEXT),
          Map.entry("URL", "uri"),
          Map.entry("UID", TEXT),
          Map.entry("EXDATE", "date-time"),
          Map.entry("RDATE", "date-time"),
          Map.entry("RRULE", "recur"),
          Map.entry("EXRULE", "recur"),
          Map.entry("ACTION", TEXT),
          Map.entry("REPEAT", "integer"),
          Map.entry("TRIGGER", "duration"),
          Map.entry("CREATED", "date-time"),
          Map.entry("DTSTAMP", "date-time"),
          Map.entry("LAST-MODIFIED", "date-time"),
          Map.entry("SEQUENCE", "integer"),
          Map.entry("REQUEST-STATUS", TEXT),
          // RFC 7986
          Map.entry("NAME", TEXT),
          Map.entry("REFRESH-INTERVAL", "duration"),
          Map.entry("SOURCE", "uri"),
          Map.entry("COLOR", TEXT),
          Map.entry("IMAGE", "uri"),
          Map.entry("CONFERENCE", "uri"));

  /** TEXT properties whose value is a comma-separated list. */
  private static final Set<String> TEXT_LISTS = Set.of("CATEGORIES", "RESOURCES");

  /** Non-text properties whose value is a comma-separated list. */
  private static final Set<String> LISTS = Set.of("EXDATE", "RDATE", "FREEBUSY");

  /** The default value type of property {@code name} (upper case); "unknown" for others. */
  static String defaultOf(String name) {
    return DEFAULTS.getOrDefault(name, UNKNOWN);
  }

  /** The type of a property with optional {@code VALUE=} parameter value. */
  static String of(String name, String valueParam) {
    return valueParam.isEmpty() ? defaultOf(name) : valueParam.toLowerCase(Locale.ROOT);
  }

  /** Whether values of this property of this type are separated by commas. */
  static boolean isList(String name, String type) {
    return type.equals(TEXT) ? TEXT_LISTS.contains(name) : LISTS.contains(name);
  }
}
