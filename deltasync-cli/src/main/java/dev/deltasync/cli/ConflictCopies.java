package dev.deltasync.cli;

import dev.deltasync.engine.snapshot.SnapshotStore;
import dev.deltasync.format.v1.Component;
import dev.deltasync.format.v1.Item;
import dev.deltasync.format.v1.Property;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Finds the conflict copies the engine writes beside a file changed on two devices: {@code
 * NAME.conflict-DEVICE-YYYYMMDD-HHMMSS[-N].EXT}.
 */
final class ConflictCopies {
  private static final Pattern NAME =
      Pattern.compile("^(.+?)\\.conflict-(.+)-(\\d{8}-\\d{6})(-\\d+)?(\\.[^.]*)?$");

  /** A record conflict copy's UID: {@code ORIGINAL-conflict-DEVICE-MILLIS[-N]}. */
  private static final Pattern RECORD_UID = Pattern.compile("^(.+)-conflict-(.+)-(\\d+)(-\\d+)?$");

  /** The property the engine marks a record conflict copy with; its value is the original UID. */
  static final String RECORD_MARK = "X-DELTASYNC-CONFLICT";

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private ConflictCopies() {}

  /**
   * The conflict copies of a bound collection: files named as copies in a folder, or, for contacts
   * and calendars, the records the engine marked {@value #RECORD_MARK} (read from the snapshot of
   * the last sync, so nothing local is parsed). Then {@link Copy#copy()} reads {@code UID u (name)}
   * and {@link Copy#original()} {@code UID o}.
   */
  static List<Copy> of(Home home, String collection, HomeConfig.Binding binding)
      throws IOException {
    if (binding.type().equals("folder")) {
      return in(binding.path());
    }
    List<Copy> copies = new ArrayList<>();
    Path snapshot = home.snapshotFile(collection);
    if (!Files.exists(snapshot)) {
      return copies;
    }
    try (SnapshotStore store = SnapshotStore.open(snapshot)) {
      store.forEach(entry -> {
        Item item = entry.item();
        if (!item.hasRecord()) {
          return;
        }
        String original = mark(item.getRecord());
        if (original == null) {
          return;
        }
        Matcher m = RECORD_UID.matcher(item.getUid());
        String device = m.matches() ? m.group(2) : "?";
        String stamp = m.matches() ? stamp(m.group(3)) : "";
        String label = label(item.getRecord());
        copies.add(
            new Copy(
                "UID " + item.getUid() + (label.isEmpty() ? "" : " (" + label + ")"),
                "UID " + original,
                device,
                stamp));
      });
    }
    copies.sort(Comparator.comparing(Copy::copy));
    return copies;
  }

  private static String stamp(String millis) {
    try {
      return STAMP.format(Instant.ofEpochMilli(Long.parseLong(millis)));
    } catch (NumberFormatException | java.time.DateTimeException e) {
      return "";
    }
  }

  /** The original UID from the conflict mark in the record or its events, or null. */
  private static @Nullable String mark(Component component) {
    for (Property property : component.getPropertiesList()) {
      if (property.getName().equalsIgnoreCase(RECORD_MARK)) {
        return property.getValuesCount() > 0 ? property.getValues(0).getText() : "";
      }
    }
    for (Component sub : component.getComponentsList()) {
      String found = mark(sub);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  /** What a person recognises the record by: a contact's FN, an event's SUMMARY. */
  private static String label(Component component) {
    for (Property property : component.getPropertiesList()) {
      if ((property.getName().equalsIgnoreCase("FN")
              || property.getName().equalsIgnoreCase("SUMMARY"))
          && property.getValuesCount() > 0) {
        return property.getValues(0).getText();
      }
    }
    for (Component sub : component.getComponentsList()) {
      String found = label(sub);
      if (!found.isEmpty()) {
        return found;
      }
    }
    return "";
  }

  /**
   * A conflict copy.
   *
   * @param copy the copy, relative to the folder
   * @param original the file it is a copy of, relative to the folder
   * @param device the device whose version the copy holds
   * @param stamp when, {@code YYYYMMDD-HHMMSS} UTC
   */
  record Copy(String copy, String original, String device, String stamp) {}

  /** Every conflict copy in {@code folder}, sorted by path; none when the folder is missing. */
  static List<Copy> in(Path folder) throws IOException {
    List<Copy> copies = new ArrayList<>();
    if (!Files.isDirectory(folder)) {
      return copies;
    }
    try (Stream<Path> all = Files.walk(folder)) {
      all.forEach(path -> {
        Copy copy = parse(folder.relativize(path).toString().replace('\\', '/'));
        if (copy != null) {
          copies.add(copy);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    copies.sort(Comparator.comparing(Copy::copy));
    return copies;
  }

  /** The copy's parts, or null when {@code path} is not a conflict copy's name. */
  static @Nullable Copy parse(String path) {
    int slash = path.lastIndexOf('/');
    String dir = path.substring(0, slash + 1);
    Matcher m = NAME.matcher(path.substring(slash + 1));
    if (!m.matches()) {
      return null;
    }
    String extension = m.group(5) == null ? "" : m.group(5);
    return new Copy(path, dir + m.group(1) + extension, m.group(2), m.group(3));
  }
}
