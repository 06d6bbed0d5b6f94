package dev.deltasync.sources.vcard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deltasync.engine.ApplyResult;
import dev.deltasync.engine.ContentReader;
import dev.deltasync.engine.ItemVersions;
import dev.deltasync.engine.snapshot.SnapshotEntry;
import dev.deltasync.format.v1.Component;
import dev.deltasync.format.v1.Item;
import dev.deltasync.format.v1.ItemKind;
import dev.deltasync.format.v1.Property;
import dev.deltasync.format.v1.Value;
import dev.deltasync.sources.records.RecordingScan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VCardSourceTest {
  @TempDir Path dir;

  static final ContentReader NO_CONTENT =
      id -> {
        throw new IOException("records have no content");
      };

  private Path corpus(String name) throws IOException {
    Path file = dir.resolve(name);
    Files.write(file, CorpusRoundTripTest.resource(name));
    return file;
  }

  private static RecordingScan scan(VCardSource source, RecordingScan context) throws IOException {
    source.scan(context);
    return context;
  }

  static Item withPhone(Item item, String phone) {
    Component.Builder record = item.getRecord().toBuilder();
    for (int i = 0; i < record.getPropertiesCount(); i++) {
      if (record.getProperties(i).getName().equals("TEL")) {
        record.setProperties(
            i,
            record.getProperties(i).toBuilder()
                .clearValues()
                .addValues(Value.newBuilder().setText(phone)));
        break;
      }
    }
    return item.toBuilder().setRecord(record).build();
  }

  static String phone(Item item) {
    for (Property property : item.getRecord().getPropertiesList()) {
      if (property.getName().equals("TEL")) {
        return property.getValues(0).getText();
      }
    }
    throw new AssertionError("no TEL");
  }

  @Test
  void aSingleFileIsScannedIntoOneContactPerEntryAndNotTouched() throws IOException {
    Path file = corpus("apple-contacts-3.0.vcf");
    byte[] before = Files.readAllBytes(file);
    FileTime mtime = Files.getLastModifiedTime(file);
    RecordingScan context = scan(VCardSource.open(file), new RecordingScan(true));

    assertThat(context.found)
        .extracting(e -> e.item().getUid())
        .containsExactly(
            "5AD380FD-B2DE-4261-BA99-DE1D1DB52FBE", "8E2C1B9A-1111-4C0F-9D53-0A1B2C3D4E5F");
    SnapshotEntry johnny = context.found.get(0);
    assertThat(johnny.item().getKind()).isEqualTo(ItemKind.KIND_CONTACT);
    assertThat(johnny.item().getPath()).isEmpty();
    assertThat(johnny.pathKey()).isNull();
    assertThat(johnny.version()).isEqualTo(ItemVersions.of(johnny.item()));
    assertThat(johnny.item().getRecord().getPropertiesList())
        .extracting(Property::getName)
        .doesNotContain("VERSION", "PRODID")
        .startsWith("N", "FN", "ORG");
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
    assertThat(Files.getLastModifiedTime(file)).isEqualTo(mtime);
  }

  @Test
  void anUnchangedContactIsReportedFromTheSnapshotByItsTextFingerprint() throws IOException {
    Path file = corpus("google-3.0.vcf");
    VCardSource source = VCardSource.open(file);
    RecordingScan first = scan(source, new RecordingScan(true));
    RecordingScan second = first.next();
    // The snapshot holds another (e.g. 4.0) form of the same contact with the text's fingerprint.
    SnapshotEntry ada = first.entry("google-c3f1a2b4");
    Item elsewhere = withPhone(ada.item(), "+44 20 7946 0018 (written by a 4.0 device)");
    SnapshotEntry snapshot =
        new SnapshotEntry(elsewhere, ItemVersions.of(elsewhere), null, ada.stat());
    second.snapshot.put("google-c3f1a2b4", snapshot);

    scan(source, second);

    assertThat(second.entry("google-c3f1a2b4")).isSameAs(snapshot);
    assertThat(ada.stat()).isEqualTo(EntryText.fingerprint(entryText(file, 0)));
  }

  @Test
  void contactsWithoutUidGetAStableUidWrittenIntoTheirEntryOnly() throws IOException {
    Path file = corpus("rfc6350-examples.vcf");
    String before = Files.readString(file);
    VCardSource source = VCardSource.open(file);
    RecordingScan first = scan(source, new RecordingScan(true));
    String after = Files.readString(file);

    List<String> uids = first.found.stream().map(e -> e.item().getUid()).toList();
    assertThat(uids).hasSize(5).doesNotContain("").doesNotHaveDuplicates();
    assertThat(after).contains("VERSION:4.0\r\nUID:" + uids.get(0) + "\r\nFN:Simon Perreault");
    assertThat(after.replaceAll("UID:[0-9a-f-]{36}\r\n", "")).isEqualTo(before);
    RecordingScan second = scan(source, first.next());
    assertThat(second.found).extracting(e -> e.item().getUid()).containsExactlyElementsOf(uids);
    assertThat(Files.readString(file)).isEqualTo(after);
  }

  @Test
  void putReplacesOneContactAndKeepsEveryOtherByteOfTheFile() throws IOException {
    Path file = corpus("old-phone-2.1.vcf");
    String before = Files.readString(file, StandardCharsets.UTF_8);
    VCardSource source = VCardSource.open(file);
    RecordingScan first = scan(source, new RecordingScan(true));
    SnapshotEntry anna = first.entry("outlook-0002");

    ApplyResult result = source.put(anna, withPhone(anna.item(), "+49 89 999999"), NO_CONTENT);
    assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(before); // until flush
    source.flush();

    String after = Files.readString(file, StandardCharsets.UTF_8);
    int annaStart = before.indexOf("BEGIN:VCARD", 10);
    assertThat(after).startsWith(before.substring(0, annaStart));
    String written = after.substring(annaStart);
    assertThat(written)
        .startsWith("BEGIN:VCARD\r\nVERSION:2.1\r\n")
        .contains("TEL;WORK;VOICE:+49 89 999999\r\n");
    assertThat(result)
        .isEqualTo(
            new ApplyResult.Applied(
                EntryText.fingerprint(written.getBytes(StandardCharsets.UTF_8))));
    RecordingScan second = scan(source, first.next());
    assertThat(phone(second.entry("outlook-0002").item())).isEqualTo("+49 89 999999");
  }

  @Test
  void aFourPointZeroContactPutIntoATwoPointOneFileReadsBackAsTheSameRecord() throws IOException {
    Path from = corpus("data-uris-4.0.vcf");
    Path to = corpus("old-phone-2.1.vcf");
    SnapshotEntry grace = scan(VCardSource.open(from), new RecordingScan(true)).found.get(0);
    VCardSource target = VCardSource.open(to);
    RecordingScan first = scan(target, new RecordingScan(true));

    ApplyResult result = target.put(null, grace.item(), NO_CONTENT);
    target.flush();

    assertThat(result).isInstanceOf(ApplyResult.Applied.class);
    String text = Files.readString(to, StandardCharsets.UTF_8);
    assertThat(text).contains("PHOTO;ENCODING=BASE64;PNG:").doesNotContain("VERSION:4.0");
    RecordingScan fresh = scan(target, new RecordingScan(false)); // parses, no stat cache
    SnapshotEntry back = fresh.entry(grace.item().getUid());
    assertThat(back.item().getRecord()).isEqualTo(grace.item().getRecord());
    assertThat(back.version()).isEqualTo(grace.version());
    assertThat(first.found).hasSize(2);
  }

  @Test
  void aSingleFileChangedBetweenPutAndFlushIsNotOverwritten() throws IOException {
    Path file = corpus("google-3.0.vcf");
    VCardSource source = VCardSource.open(file);
    SnapshotEntry ada = scan(source, new RecordingScan(true)).entry("google-c3f1a2b4");
    assertThat(source.put(ada, withPhone(ada.item(), "+1"), NO_CONTENT))
        .isInstanceOf(ApplyResult.Applied.class);
    String edited = Files.readString(file).replace("Programmer", "Mathematician");
    Files.writeString(file, edited);

    assertThatThrownBy(source::flush)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("was changed by another program");
    assertThat(Files.readString(file)).isEqualTo(edited);
  }

  @Test
  void putAndRemoveWithAStaleExpectedChangeNothing() throws IOException {
    Path file = corpus("google-3.0.vcf");
    VCardSource source = VCardSource.open(file);
    SnapshotEntry ada = scan(source, new RecordingScan(true)).entry("google-c3f1a2b4");
    String edited = Files.readString(file).replace("Programmer", "Mathematician");
    Files.writeString(file, edited);

    assertThat(source.put(ada, withPhone(ada.item(), "+1"), NO_CONTENT))
        .isInstanceOfSatisfying(
            ApplyResult.LocalChanged.class,
            c -> assertThat(c.reason()).isEqualTo(ApplyResult.Reason.CHANGED));
    assertThat(source.remove(ada)).isInstanceOf(ApplyResult.LocalChanged.class);
    assertThat(Files.readString(file)).isEqualTo(edited);
  }

  @Test
  void putOfANewContactWhoseUidIsTakenLocallyIsRefusedUnlessIdentical() throws IOException {
    Path file = corpus("google-3.0.vcf");
    VCardSource source = VCardSource.open(file);
    SnapshotEntry ada = scan(source, new RecordingScan(true)).entry("google-c3f1a2b4");

    assertThat(source.put(null, ada.item(), NO_CONTENT))
        .isEqualTo(new ApplyResult.Applied(ada.stat()));
    assertThat(source.put(null, withPhone(ada.item(), "+1"), NO_CONTENT))
        .isInstanceOfSatisfying(
            ApplyResult.LocalChanged.class,
            c -> assertThat(c.reason()).isEqualTo(ApplyResult.Reason.PATH_TAKEN));
  }

  @Test
  void removeTakesOutOneEntryOfASingleFile() throws IOException {
    Path file = corpus("google-3.0.vcf");
    String before = Files.readString(file);
    VCardSource source = VCardSource.open(file);
    SnapshotEntry alan = scan(source, new RecordingScan(true)).entry("google-0a9e7d12");

    assertThat(source.remove(alan)).isEqualTo(new ApplyResult.Applied(null));
    source.flush();
    assertThat(Files.readString(file))
        .isEqualTo(before.substring(0, before.indexOf("BEGIN:VCARD", 10)));
    assertThat(source.remove(alan)).isEqualTo(new ApplyResult.Applied(null)); // already gone
  }

  @Test
  void aVdirHoldsOneFilePerContactNamedFromItsUid() throws IOException {
    Path vdir = Files.createDirectories(dir.resolve("contacts"));
    Files.write(vdir.resolve("ada.vcf"), CorpusRoundTripTest.resource("google-3.0.vcf"));
    Files.writeString(vdir.resolve(".hidden.vcf"), "not a contact");
    Files.writeString(vdir.resolve("notes.txt"), "not a contact");
    Path grace = corpus("data-uris-4.0.vcf");
    SnapshotEntry hopper = scan(VCardSource.open(grace), new RecordingScan(true)).found.get(0);
    VCardSource source = VCardSource.open(vdir);
    RecordingScan first = scan(source, new RecordingScan(true));
    assertThat(first.found).hasSize(2);

    ApplyResult added = source.put(null, hopper.item(), NO_CONTENT);

    Path written = vdir.resolve("urn_uuid_8b0c3ef4-1f64-4a0c-9a53-6e1f7c2d9a10.vcf");
    assertThat(written).exists();
    assertThat(Files.readString(written)).startsWith("BEGIN:VCARD\r\nVERSION:3.0\r\n"); // majority
    assertThat(added)
        .isEqualTo(new ApplyResult.Applied(EntryText.fingerprint(Files.readAllBytes(written))));
    RecordingScan second = scan(source, first.next());
    assertThat(second.found).hasSize(3);
    assertThat(second.entry(hopper.item().getUid()).item().getRecord())
        .isEqualTo(hopper.item().getRecord());

    SnapshotEntry mine =
        new SnapshotEntry(
            hopper.item(), hopper.version(), null, ((ApplyResult.Applied) added).stat());
    assertThat(source.remove(mine)).isEqualTo(new ApplyResult.Applied(null));
    assertThat(written).doesNotExist();
    assertThat(vdir.resolve("ada.vcf")).exists();
  }

  @Test
  void aMalformedContactIsReportedWithFileAndLineAndItsSnapshotEntryIsKept() throws IOException {
    Path file = corpus("google-3.0.vcf");
    VCardSource source = VCardSource.open(file);
    RecordingScan first = scan(source, new RecordingScan(true));
    String broken = Files.readString(file).replace("TITLE:Programmer", "TITLE without a colon");
    Files.writeString(file, broken);

    RecordingScan second = scan(source, first.next());

    assertThat(source.warnings())
        .singleElement()
        .asString()
        .contains(file + ":12:")
        .contains("cannot be read");
    assertThat(second.entry("google-c3f1a2b4")).isSameAs(second.snapshot.get("google-c3f1a2b4"));
    SnapshotEntry alan = second.entry("google-0a9e7d12");
    assertThat(source.put(alan, withPhone(alan.item(), "+44 1"), NO_CONTENT))
        .isInstanceOf(ApplyResult.Applied.class);
    source.flush();
    assertThat(Files.readString(file)).contains("TITLE without a colon").contains("+44 1");
  }

  @Test
  void aMalformedContactWithoutUidHoldsBackDeletesOnALaterScanWithFileAndLine() throws IOException {
    Path file = dir.resolve("broken.vcf");
    Files.writeString(
        file,
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Fine\r\nUID:fine\r\nEND:VCARD\r\n"
            + "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Broken\r\nthis line has no colon\r\nEND:VCARD\r\n");
    VCardSource source = VCardSource.open(file);

    RecordingScan first = scan(source, new RecordingScan(true));
    assertThat(first.found).extracting(e -> e.item().getUid()).containsExactly("fine");
    assertThat(source.warnings()).singleElement().asString().contains(file + ":9:");
    assertThat(first.deletesHeld).isFalse(); // a first sync has nothing to delete

    RecordingScan later = scan(source, first.next());
    assertThat(later.found).extracting(e -> e.item().getUid()).containsExactly("fine");
    assertThat(later.deletesHeld).isTrue();
    assertThat(later.problems)
        .anySatisfy(p -> assertThat(p).contains(file + ":9:").contains("no UID"));
  }

  @Test
  void aMissingTargetAfterTheFirstSyncIsRefusedNotTakenAsDeletes() throws IOException {
    Path file = dir.resolve("gone.vcf");
    VCardSource source = VCardSource.open(file);
    assertThat(scan(source, new RecordingScan(true)).found).isEmpty();
    assertThatThrownBy(() -> source.scan(new RecordingScan(false)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("the contacts file " + file + " is missing");
    VCardSource vdir = VCardSource.open(dir.resolve("gone-dir"));
    assertThatThrownBy(() -> vdir.scan(new RecordingScan(false)))
        .hasMessageContaining("the contacts directory")
        .hasMessageContaining("is missing");
  }

  @Test
  void aNewSingleFileIsCreatedOnTheFirstWriteInVersionThree() throws IOException {
    Path file = dir.resolve("new/contacts.vcf");
    SnapshotEntry ada =
        scan(VCardSource.open(corpus("google-3.0.vcf")), new RecordingScan(true)).found.get(0);
    VCardSource source = VCardSource.open(file);
    scan(source, new RecordingScan(true));

    assertThat(source.put(null, ada.item(), NO_CONTENT)).isInstanceOf(ApplyResult.Applied.class);
    source.flush();
    assertThat(Files.readString(file)).startsWith("BEGIN:VCARD\r\nVERSION:3.0\r\n");
  }

  @Test
  void aDuplicateUidIsReportedAndBothAreOffered() throws IOException {
    Path file = dir.resolve("twice.vcf");
    String card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Twin\r\nUID:same\r\nEND:VCARD\r\n";
    Files.writeString(file, card + card.replace("Twin", "Other twin"));
    VCardSource source = VCardSource.open(file);
    RecordingScan context = scan(source, new RecordingScan(true));

    assertThat(context.found).hasSize(2); // the engine keeps the first, reports the second
    assertThat(source.warnings()).singleElement().asString().contains(file + ":6:", file + ":1");
  }

  @Test
  void refuseAcceptsRecordsAndPathKeyIsThePath() throws IOException {
    VCardSource source = VCardSource.open(dir.resolve("c.vcf"));
    assertThat(source.refuse("")).isNull();
    assertThat(source.refuse("notes.txt")).contains("contacts only");
    assertThat(source.pathKey("A/b")).isEqualTo("A/b");
  }

  /** The raw text of entry {@code index} of {@code file}. */
  static byte[] entryText(Path file, int index) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    return ContactFile.of(file, bytes).entries.get(index).bytes(bytes);
  }
}
