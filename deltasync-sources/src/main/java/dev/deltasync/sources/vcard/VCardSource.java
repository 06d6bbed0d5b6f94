package dev.deltasync.sources.vcard;

import dev.deltasync.engine.ApplyResult;
import dev.deltasync.engine.ContentReader;
import dev.deltasync.engine.ItemVersions;
import dev.deltasync.engine.ScanContext;
import dev.deltasync.engine.Source;
import dev.deltasync.engine.snapshot.FileStat;
import dev.deltasync.engine.snapshot.SnapshotEntry;
import dev.deltasync.format.v1.Component;
import dev.deltasync.format.v1.Item;
import dev.deltasync.format.v1.ItemKind;
import dev.deltasync.format.v1.Property;
import dev.deltasync.format.v1.Value;
import dev.deltasync.sources.records.SafeFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Contacts in vCard files as a {@link Source}: either one {@code .vcf} file holding many contacts,
 * or a vdir, a directory with one {@code .vcf} file per contact (the layout of vdirsyncer, Radicale
 * and Evolution). vCard 2.1, 3.0 and 4.0 are read into one universal record (docs/vcard.md); each
 * contact is written back in the version its local file uses.
 *
 * <p>Lossless: a file that is only scanned is never touched, and a write replaces only the bytes of
 * the one contact it changes; every other contact, and anything between them, keeps its exact text.
 * A contact that cannot be read is skipped (see {@link #warnings()}), keeps its text, and is not
 * deleted elsewhere.
 *
 * <p>Stat cache: a record has no file of its own, so the {@link FileStat} of a contact is the
 * fingerprint of its raw text ({@link EntryText#fingerprint}: size = length in bytes, mtimeNanos =
 * first 8 bytes of its SHA-256, inode = 0). A contact whose text still has the fingerprint of the
 * snapshot entry is reported as that entry, unparsed: a contact this device wrote in its own
 * version is not read back as a change.
 *
 * <p>Writes are atomic per file (temporary file, fsync, check that the file still holds what was
 * read, rename, fsync of the directory). A vdir file is written at each put or remove; a single
 * file collects the puts and removes of each pulled log in memory and is written once per log, by
 * {@link #checkpoint}, and by {@link #flush}. Called from one thread at a time.
 */
public final class VCardSource implements Source {
  private static final System.Logger LOG = System.getLogger(VCardSource.class.getName());

  private final Path target;
  private final boolean singleFile;

  /** vdir: the file of each UID the last scan found. */
  private final Map<String, Path> files = new HashMap<>();

  /** vdir: the version most contacts use (written into new files). */
  private VCardVersion majority = VCardVersion.DEFAULT;

  private final List<String> warnings = new ArrayList<>();

  /** Single file: the edits of this sync, written by {@link #flush}. */
  private @Nullable EditedFile pending;

  private VCardSource(Path target, boolean singleFile) {
    this.target = target;
    this.singleFile = singleFile;
  }

  /**
   * Opens {@code target}: a {@code .vcf} file of many contacts, or a vdir directory. A target that
   * does not exist yet is a single file when its name ends in {@code .vcf}, else a vdir; either is
   * created when the first contact is written.
   *
   * @throws IOException when {@code target} exists but is neither a regular file nor a directory
   */
  public static VCardSource open(Path target) throws IOException {
    Path absolute = target.toAbsolutePath().normalize();
    if (Files.isDirectory(absolute)) {
      return new VCardSource(absolute, false);
    }
    if (Files.isRegularFile(absolute)) {
      return new VCardSource(absolute, true);
    }
    if (Files.exists(absolute, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(
          absolute + " is neither a .vcf file nor a directory of .vcf files (a vdir)");
    }
    String name = String.valueOf(absolute.getFileName()).toLowerCase(Locale.ROOT);
    return new VCardSource(absolute, name.endsWith(".vcf"));
  }

  /** What the last scan could not sync (malformed contacts, duplicate UIDs), for people. */
  public List<String> warnings() {
    return List.copyOf(warnings);
  }

  // ------------------------------------------------------------------------------------------
  // Scan.

  @Override
  public void scan(ScanContext context) throws IOException {
    warnings.clear();
    files.clear();
    pending = null; // edits of a sync that did not reach flush are dropped
    List<Path> found = contactFiles(context);
    Map<VCardVersion, Integer> versions = new EnumMap<>(VCardVersion.class);
    Map<String, String> seenAt = new HashMap<>();
    Set<String> derived = new HashSet<>();
    for (Path file : found) {
      scanFile(context, file, versions, seenAt, derived);
    }
    majority = VCardVersion.majority(versions);
  }

  /** The files to scan; refuses a target that went missing after the first sync. */
  private List<Path> contactFiles(ScanContext context) throws IOException {
    boolean present =
        singleFile
            ? Files.isRegularFile(target)
            : Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS);
    if (!present) {
      if (context.firstSync()) {
        return List.of(); // created when the first contact is written
      }
      throw new IOException(
          (singleFile ? "the contacts file " : "the contacts directory ")
              + target
              + " is missing. It was there at the last sync; if it was moved or is on a disk"
              + " that is not mounted, put it back or mount the disk. Nothing was synced (its"
              + " absence is not taken as every contact deleted).");
    }
    if (singleFile) {
      return List.of(target);
    }
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(target)) {
      for (Path file : dir) {
        String name = file.getFileName().toString();
        if (!name.startsWith(".")
            && name.toLowerCase(Locale.ROOT).endsWith(".vcf")
            && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
          out.add(file);
        }
      }
    }
    out.sort(null);
    return out;
  }

  private void scanFile(
      ScanContext context,
      Path file,
      Map<VCardVersion, Integer> versions,
      Map<String, String> seenAt,
      Set<String> derived)
      throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    ContactFile contacts = giveUids(ContactFile.of(file, bytes), derived);
    bytes = contacts.bytes;
    for (EntryText entry : contacts.entries) {
      byte[] text = entry.bytes(bytes);
      FileStat fingerprint = EntryText.fingerprint(text);
      EntryText.Header header = EntryText.header(text);
      if (header.version() != null) {
        versions.merge(header.version(), 1, Integer::sum);
      }
      Optional<SnapshotEntry> previous =
          header.uid() == null ? Optional.empty() : context.previousRecord(header.uid());
      if (previous.isPresent() && fingerprint.equals(previous.get().stat())) {
        report(context, previous.get(), file, entry, seenAt);
        continue;
      }
      try {
        ParsedContact parsed = parse(file, entry, text);
        String uid =
            parsed.uid() != null
                ? parsed.uid()
                : derivedUid(parsed.record().toByteArray(), derived);
        Component record = parsed.record();
        if (parsed.version() != null && parsed.version().old() && previous.isPresent()) {
          record = Old21Losses.restore(record, previous.get().item().getRecord());
        }
        Item item =
            Item.newBuilder().setKind(ItemKind.KIND_CONTACT).setUid(uid).setRecord(record).build();
        report(
            context,
            new SnapshotEntry(item, ItemVersions.of(item), null, fingerprint),
            file,
            entry,
            seenAt);
      } catch (MalformedEntryException e) {
        if (header.uid() != null && previous.isPresent()) {
          warn(
              context,
              e.getMessage()
                  + "; skipped, the last synced version of contact "
                  + header.uid()
                  + " is kept everywhere until it is fixed");
          report(context, previous.get(), file, entry, seenAt);
        } else if (header.uid() != null) {
          warn(
              context,
              e.getMessage()
                  + "; skipped, contact "
                  + header.uid()
                  + " is not synced until"
                  + " it is fixed");
        } else if (context.firstSync()) {
          warn(
              context,
              e.getMessage() + "; skipped (it has no UID); it is not synced until it is fixed");
        } else {
          // It may be a known contact whose UID line broke: nothing missing may become a delete.
          context.holdDeletes(
              e.getMessage()
                  + "; skipped, and it has no UID to tell which contact it is, so no contact"
                  + " missing from this scan is taken for deleted");
        }
      }
    }
  }

  private static ParsedContact parse(Path file, EntryText entry, byte[] text)
      throws MalformedEntryException {
    if (!entry.terminated()) {
      throw new MalformedEntryException(
          file + ":" + entry.line() + ": this contact cannot be read (it has no END:VCARD)");
    }
    return VCardParser.parse(text, file.toString(), entry.line());
  }

  private void report(
      ScanContext context,
      SnapshotEntry found,
      Path file,
      EntryText entry,
      Map<String, String> seenAt)
      throws IOException {
    String uid = found.item().getUid();
    String where = file + ":" + entry.line();
    String first = seenAt.putIfAbsent(uid, where);
    if (first != null) {
      warn(
          context,
          where
              + ": contact "
              + uid
              + " has the UID of the contact at "
              + first
              + "; only the first is synced. Give one of them another UID.");
    } else if (!singleFile) {
      files.put(uid, file);
    }
    context.found(found); // the engine refuses a second one with the same UID, deleting nothing
  }

  /**
   * Gives each readable contact without a UID a stable one (a name-based UUID of its text) and
   * writes it into the file, so that every later scan, here and on other devices, agrees on it.
   */
  private ContactFile giveUids(ContactFile contacts, Set<String> derived) throws IOException {
    byte[] bytes = contacts.bytes;
    byte[] rewritten = bytes;
    int shift = 0;
    int given = 0;
    for (EntryText entry : contacts.entries) {
      byte[] text = entry.bytes(bytes);
      if (!entry.terminated() || EntryText.header(text).uid() != null) {
        continue;
      }
      ParsedContact parsed;
      try {
        parsed = VCardParser.parse(text, contacts.path.toString(), entry.line());
      } catch (MalformedEntryException e) {
        continue; // reported by the scan
      }
      if (parsed.uid() != null) {
        continue;
      }
      // From the universal record, not the text: the same contact without a UID, exported in
      // another vCard version or with other line ends on another device, gets the same UID.
      byte[] withUid =
          ContactFile.withUid(text, derivedUid(parsed.record().toByteArray(), derived));
      EntryText moved =
          new EntryText(entry.start() + shift, entry.end() + shift, entry.line(), true);
      rewritten = ContactFile.of(contacts.path, rewritten).replace(moved, withUid);
      shift += withUid.length - text.length;
      given++;
    }
    if (given == 0) {
      return contacts;
    }
    if (!SafeFiles.write(contacts.path, bytes, rewritten)) {
      throw new IOException(
          contacts.path + " changed while it was being scanned; sync again when it is saved");
    }
    LOG.log(
        System.Logger.Level.INFO,
        "gave {0} contact(s) without UID in {1} a UID",
        given,
        contacts.path);
    return ContactFile.of(contacts.path, rewritten);
  }

  /** A name-based UUID of {@code text} (a record's bytes), another one for a repeat. */
  private static String derivedUid(byte[] text, Set<String> derived) {
    String uid = UUID.nameUUIDFromBytes(text).toString();
    for (int n = 2; !derived.add(uid); n++) {
      byte[] salted =
          (new String(text, StandardCharsets.ISO_8859_1) + "\u0000" + n)
              .getBytes(StandardCharsets.ISO_8859_1);
      uid = UUID.nameUUIDFromBytes(salted).toString();
    }
    return uid;
  }

  private void warn(ScanContext context, String message) {
    warnings.add(message);
    LOG.log(System.Logger.Level.WARNING, message);
    context.problem(message);
  }

  // ------------------------------------------------------------------------------------------
  // Writes.

  @Override
  public ApplyResult put(@Nullable SnapshotEntry expected, Item target, ContentReader content)
      throws IOException {
    if (target.getKind() != ItemKind.KIND_CONTACT || !target.hasRecord()) {
      throw new IOException(
          "a vCard source holds contacts only, not " + target.getKind() + " " + target.getPath());
    }
    String uid = target.getUid();
    if (uid.isEmpty()) {
      throw new IOException("a contact to write has no UID");
    }
    String localUid = expected == null ? uid : expected.item().getUid();
    EditedFile file = edit(localUid);
    EditedFile.Entry local = file.find(localUid);
    if (expected == null) {
      if (local != null) {
        return sameContact(file, local, ItemVersions.of(target))
            ? new ApplyResult.Applied(EntryText.fingerprint(local.text()))
            : new ApplyResult.LocalChanged(
                ApplyResult.Reason.PATH_TAKEN, "a local contact already has UID " + uid);
      }
      if (!singleFile) {
        file = EditedFile.read(vdirFile(uid, true));
      }
      VCardVersion version = singleFile ? file.majority() : majority;
      byte[] text =
          VCardRenderer.render(withUid(target.getRecord(), uid), version, null, file.lineEnding());
      file.append(uid, text);
      if (!save(file)) {
        return new ApplyResult.LocalChanged(
            ApplyResult.Reason.PATH_TAKEN,
            file.path + " appeared while contact " + uid + " was added");
      }
      files.put(uid, file.path);
      return new ApplyResult.Applied(EntryText.fingerprint(text));
    }
    if (local == null) {
      return new ApplyResult.LocalChanged(
          ApplyResult.Reason.MISSING, "contact " + localUid + " was deleted locally");
    }
    if (!matches(file, local, expected)) {
      return changed(localUid);
    }
    ParsedContact parsed = tryParse(file, local);
    VCardVersion version =
        parsed != null && parsed.version() != null ? parsed.version() : file.majority();
    byte[] text =
        VCardRenderer.render(
            withUid(target.getRecord(), uid),
            version,
            parsed == null ? null : parsed.prodid(),
            file.lineEnding());
    file.replace(localUid, local, text);
    return save(file) ? new ApplyResult.Applied(EntryText.fingerprint(text)) : changed(localUid);
  }

  @Override
  public ApplyResult remove(SnapshotEntry expected) throws IOException {
    String uid = expected.item().getUid();
    EditedFile file = edit(uid);
    EditedFile.Entry local = file.find(uid);
    if (local == null) {
      return new ApplyResult.Applied(null);
    }
    if (!matches(file, local, expected)) {
      return changed(uid);
    }
    file.replace(uid, local, null);
    if (!save(file)) {
      return changed(uid);
    }
    files.remove(uid);
    return new ApplyResult.Applied(null);
  }

  /** Writes the single file now, as {@link #flush} does: see {@link Source#checkpoint}. */
  @Override
  public void checkpoint() throws IOException {
    flush();
  }

  /**
   * Writes the edits since the last checkpoint (or the scan) to a single file, once, if it still
   * holds what was read at the first of them; a vdir was written at each put already.
   *
   * @throws IOException when the file changed since: nothing is written, and the next sync starts
   *     again from the local data as it is then
   */
  @Override
  public void flush() throws IOException {
    EditedFile file = pending;
    pending = null;
    if (file != null && !SafeFiles.write(file.path, file.base, file.bytes())) {
      throw new IOException(
          file.path
              + " was changed by another program while this sync wrote contacts into it; nothing"
              + " was written. Sync again.");
    }
  }

  /**
   * The file holding {@code uid} (or where it goes), as it is now: for a single file the edits of
   * this sync so far; a vdir file is read afresh.
   */
  private EditedFile edit(String uid) throws IOException {
    if (singleFile) {
      EditedFile file = pending;
      if (file == null) {
        file = EditedFile.read(target);
        pending = file;
      }
      return file;
    }
    return EditedFile.read(files.getOrDefault(uid, vdirFile(uid, false)));
  }

  /**
   * Makes an edit durable: a vdir file is written (or deleted when empty) now, if it still holds
   * what was read; a single file waits for {@link #flush}. False when the vdir file changed.
   */
  private boolean save(EditedFile file) throws IOException {
    if (singleFile) {
      return true;
    }
    byte[] base = file.base;
    return base != null && file.empty()
        ? SafeFiles.delete(file.path, base)
        : SafeFiles.write(file.path, base, file.bytes());
  }

  private static ApplyResult.LocalChanged changed(String uid) {
    return new ApplyResult.LocalChanged(
        ApplyResult.Reason.CHANGED, "contact " + uid + " was changed locally");
  }

  /** Whether the local contact is still what the snapshot says: same text, or same content. */
  private static boolean matches(EditedFile file, EditedFile.Entry local, SnapshotEntry expected) {
    if (EntryText.fingerprint(local.text()).equals(expected.stat())) {
      return true;
    }
    return sameContact(file, local, expected.version());
  }

  private static boolean sameContact(
      EditedFile file, EditedFile.Entry local, com.google.protobuf.ByteString version) {
    ParsedContact parsed = tryParse(file, local);
    if (parsed == null || parsed.uid() == null) {
      return false;
    }
    Item item =
        Item.newBuilder()
            .setKind(ItemKind.KIND_CONTACT)
            .setUid(parsed.uid())
            .setRecord(parsed.record())
            .build();
    return ItemVersions.of(item).equals(version);
  }

  private static @Nullable ParsedContact tryParse(EditedFile file, EditedFile.Entry local) {
    if (!local.terminated()) {
      return null;
    }
    try {
      return VCardParser.parse(local.text(), file.path.toString(), local.line());
    } catch (MalformedEntryException e) {
      return null;
    }
  }

  /** The record with a UID property that says {@code uid} (the first one; added in front). */
  static Component withUid(Component record, String uid) {
    Component.Builder out = record.toBuilder();
    for (int i = 0; i < out.getPropertiesCount(); i++) {
      Property property = out.getProperties(i);
      if (property.getName().equals("UID")) {
        if (property.getValuesCount() != 1 || !property.getValues(0).getText().equals(uid)) {
          out.setProperties(
              i,
              property.toBuilder()
                  .setValueType("text")
                  .clearValues()
                  .addValues(Value.newBuilder().setText(uid)));
        }
        return out.build();
      }
    }
    out.addProperties(
        0,
        Property.newBuilder()
            .setName("UID")
            .setValueType("text")
            .addValues(Value.newBuilder().setText(uid)));
    return out.build();
  }

  /**
   * The vdir file for a contact: its UID with every character but letters, digits and {@code
   * -_.@+=} replaced by {@code _}, plus {@code .vcf}; when that name is taken (or too long), a hash
   * of the UID is added.
   */
  private Path vdirFile(String uid, boolean fresh) {
    StringBuilder name = new StringBuilder();
    for (int i = 0; i < uid.length() && name.length() < 100; i++) {
      char c = uid.charAt(i);
      boolean safe =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "-_.@+=".indexOf(c) >= 0;
      name.append(safe ? c : '_');
    }
    if (name.length() == 0 || name.charAt(0) == '.') {
      name.insert(0, '_');
    }
    Path file = target.resolve(name + ".vcf");
    if ((fresh && Files.exists(file, LinkOption.NOFOLLOW_LINKS)) || name.length() >= 100) {
      String hash = UUID.nameUUIDFromBytes(uid.getBytes(StandardCharsets.UTF_8)).toString();
      file = target.resolve(name + "-" + hash.substring(0, 8) + ".vcf");
    }
    return file;
  }

  // ------------------------------------------------------------------------------------------
  // Paths: records have none.

  @Override
  public boolean keeps(ItemKind kind) {
    return kind == ItemKind.KIND_CONTACT;
  }

  @Override
  public String pathKey(String path) {
    return path;
  }

  /** Records have no path; a change with one (a file) does not belong in a contacts collection. */
  @Override
  public @Nullable String refuse(String path) {
    return path.isEmpty() ? null : "is a file path, and a vCard source holds contacts only";
  }

  @Override
  public void close() {}
}
