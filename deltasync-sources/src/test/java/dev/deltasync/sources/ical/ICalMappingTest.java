package dev.deltasync.sources.ical;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deltasync.format.v1.Component;
import dev.deltasync.format.v1.ItemKind;
import dev.deltasync.format.v1.Parameter;
import dev.deltasync.format.v1.Property;
import dev.deltasync.format.v1.Value;
import dev.deltasync.sources.records.RecordingScan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How iCalendar maps to records: items, components, parameters, value types and values. */
class ICalMappingTest {
  @TempDir Path dir;

  private RecordingScan scan(String corpusFile) throws IOException {
    Path file = Corpus.copy(corpusFile, dir.resolve("calendar.ics"));
    try (ICalSource source = ICalSource.open(file)) {
      return RecordingScan.of(source);
    }
  }

  private static Property property(Component component, String name) {
    return component.getPropertiesList().stream()
        .filter(p -> p.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " in " + component.getName()));
  }

  private static List<String> names(Component record) {
    return record.getComponentsList().stream()
        .map(c ->
            c.getName()
                + (c.getPropertiesList().stream().anyMatch(p -> p.getName().equals("RECURRENCE-ID"))
                    ? "*"
                    : ""))
        .toList();
  }

  @Test
  void oneItemPerUidWithItsTimezonesMasterFirstThenOverridesInFileOrder() throws IOException {
    RecordingScan scan = scan("corpus/recurring-zones.ics");
    assertThat(scan.uids())
        .containsExactly(
            "standup-2026@corpus.example",
            "tokyo-sydney-call@corpus.example",
            "allday-conference@corpus.example",
            "utc-only@corpus.example");
    Component standup = scan.entry("standup-2026@corpus.example").item().getRecord();
    assertThat(standup.getName()).isEqualTo("VCALENDAR");
    assertThat(standup.getPropertiesList()).isEmpty();
    assertThat(names(standup))
        .containsExactly("VTIMEZONE", "VTIMEZONE", "VEVENT", "VEVENT*", "VEVENT*");
    assertThat(property(standup.getComponents(0), "TZID").getValues(0).getText())
        .isEqualTo("Asia/Tokyo");
    assertThat(property(standup.getComponents(1), "TZID").getValues(0).getText())
        .isEqualTo("America/New_York");
    assertThat(property(standup.getComponents(3), "RECURRENCE-ID").getValues(0).getText())
        .isEqualTo("20260107T093000");
    assertThat(names(scan.entry("utc-only@corpus.example").item().getRecord()))
        .containsExactly("VEVENT");
    assertThat(scan.entry("standup-2026@corpus.example").item().getKind())
        .isEqualTo(ItemKind.KIND_EVENT);
    assertThat(scan.entry("standup-2026@corpus.example").item().getPath()).isEmpty();
  }

  @Test
  void todosAreTodoItemsAndJournalsAndFreeBusyAreNotItems() throws IOException {
    RecordingScan scan = scan("corpus/rfc5545-examples.ics");
    assertThat(scan.entry("20070313T123432Z-456553@example.com").item().getKind())
        .isEqualTo(ItemKind.KIND_TODO);
    assertThat(scan.uids())
        .doesNotContain(
            "19970901T130000Z-123405@example.com", "19970901T115957Z-76A912@example.com");
  }

  @Test
  void valuesAreTypedUnescapedSplitStructuredAndDecoded() throws IOException {
    RecordingScan scan = scan("corpus/rfc5545-examples.ics");
    Component event = scan.entry("guid-1.example.com").item().getRecord().getComponents(1);
    assertThat(event.getName()).isEqualTo("VEVENT");

    Property location = property(event, "LOCATION");
    assertThat(location.getValueType()).isEqualTo("text");
    assertThat(location.getValues(0).getText()).isEqualTo("Conference Room - F123, Bldg. 002");
    assertThat(location.getParameters(0))
        .isEqualTo(
            Parameter.newBuilder()
                .setName("ALTREP")
                .addValues("http://xyzcorp.com/conf-rooms/f123.vcf")
                .build());

    Property member =
        event.getPropertiesList().stream()
            .filter(p ->
                p.getName().equals("ATTENDEE") && p.getParameters(0).getName().equals("MEMBER"))
            .findFirst()
            .orElseThrow();
    assertThat(member.getParameters(0).getValuesList())
        .containsExactly("mailto:projectA@example.com", "mailto:projectB@example.com");
    assertThat(member.getValueType()).isEqualTo("cal-address");
    assertThat(member.getValues(0).getText()).isEqualTo("mailto:janedoe@example.com");

    assertThat(property(event, "RESOURCES").getValuesList())
        .extracting(Value::getText)
        .containsExactly("EASEL", "PROJECTOR", "VCR");
    assertThat(property(event, "DTSTART").getValueType()).isEqualTo("date-time");
    assertThat(property(event, "GEO").getValues(0).getText()).isEqualTo("37.386013;-122.082932");

    List<Property> statuses =
        event.getPropertiesList().stream()
            .filter(p -> p.getName().equals("REQUEST-STATUS"))
            .toList();
    assertThat(statuses.get(1).getValues(0).getStructured().getPartsList())
        .extracting(part -> part.getValues(0))
        .containsExactly("3.1", "Invalid property value", "DTSTART:96-Apr-01");

    List<Property> attachments =
        event.getPropertiesList().stream().filter(p -> p.getName().equals("ATTACH")).toList();
    // Unpadded base64 would not encode back to the same text: it stays text, losslessly.
    assertThat(attachments.get(0).getValues(0).hasText()).isTrue();
    assertThat(attachments.get(1).getValueType()).isEqualTo("binary");
    assertThat(attachments.get(1).getValues(0).getBinary().toString(StandardCharsets.UTF_8))
        .isEqualTo("The quick brown fox jumps over the lazy dog.");

    Component alarm = event.getComponents(1);
    assertThat(alarm.getName()).isEqualTo("VALARM");
    assertThat(property(alarm, "DESCRIPTION").getValues(0).getText())
        .isEqualTo("Breakfast meeting with executive\nteam at 8:30 AM EST.");

    Component daily =
        scan.entry("19960401T080045Z-4000F192713-0052@example.com").item().getRecord();
    Property exdate = property(daily.getComponents(1), "EXDATE");
    assertThat(exdate.getValuesList()).hasSize(3);
    assertThat(property(daily.getComponents(1), "RDATE").getValueType()).isEqualTo("period");
  }

  @Test
  void vendorPropertiesAndUnknownParametersSurviveUnchanged() throws IOException {
    RecordingScan outlook = scan("corpus/outlook.ics");
    Component meeting = outlook.found.get(0).item().getRecord();
    Component event = meeting.getComponents(meeting.getComponentsCount() - 1);
    Property html = property(event, "X-ALT-DESC");
    assertThat(html.getValueType()).isEqualTo("unknown");
    assertThat(html.getValues(0).getText())
        .startsWith("<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 3.2//EN\">\\n<HTML>");
    assertThat(property(event, "X-MICROSOFT-CDO-BUSYSTATUS").getValues(0).getText())
        .isEqualTo("BUSY");
    assertThat(property(event, "DTSTART").getParameters(0).getValuesList())
        .containsExactly("W. Europe Standard Time");

    RecordingScan custom = scan("corpus/recurring-zones.ics");
    Component utc = custom.entry("utc-only@corpus.example").item().getRecord().getComponents(0);
    Property flag = property(utc, "X-CUSTOM-FLAG");
    assertThat(flag.getValueType()).isEqualTo("text");
    assertThat(flag.getParametersList())
        .extracting(Parameter::getName)
        .containsExactly("X-ORIGIN", "X-UNKNOWN-PARAM", "VALUE");
    assertThat(flag.getValues(0).getText()).isEqualTo("Semicolon; comma, backslash\\ done");
    assertThat(property(utc, "X-VENDOR-BLOB").getValues(0).getText())
        .isEqualTo("opaque \\q not-text; kept, as is");
  }

  @Test
  void foldingSplitsAt75OctetsOnCharacterBoundaries() {
    StringBuilder out = new StringBuilder();
    RecordWriter.fold("SUMMARY:" + "ä".repeat(50), out);
    String[] lines = out.toString().split("\r\n");
    assertThat(lines[0].getBytes(StandardCharsets.UTF_8).length).isEqualTo(75 - 1);
    assertThat(lines[1]).startsWith(" ä");
    assertThat(String.join("", lines).replace(" ", "")).isEqualTo("SUMMARY:" + "ä".repeat(50));
  }
}
