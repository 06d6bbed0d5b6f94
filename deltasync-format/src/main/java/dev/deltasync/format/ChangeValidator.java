package dev.deltasync.format;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.deltasync.format.ChangeLogFormatException.Problem;
import dev.deltasync.format.v1.Change;
import dev.deltasync.format.v1.ChunkRef;
import dev.deltasync.format.v1.ChunkSplice;
import dev.deltasync.format.v1.Component;
import dev.deltasync.format.v1.ComponentEdit;
import dev.deltasync.format.v1.ComponentStep;
import dev.deltasync.format.v1.FileBody;
import dev.deltasync.format.v1.FileEdit;
import dev.deltasync.format.v1.Item;
import dev.deltasync.format.v1.ItemKind;
import dev.deltasync.format.v1.Parameter;
import dev.deltasync.format.v1.Property;
import dev.deltasync.format.v1.PropertyEdit;
import dev.deltasync.format.v1.RecordEdit;
import dev.deltasync.format.v1.StructuredPart;
import dev.deltasync.format.v1.Value;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The rules every change obeys (docs/format.md, sections 4.2 to 4.10). Readers apply them after
 * decoding, writers before encoding, so no log that breaks them is written or accepted.
 */
final class ChangeValidator {
  /** What the last problem found is: unknown fields are UNSUPPORTED, everything else MALFORMED. */
  private Problem kind = Problem.MALFORMED;

  private ChangeValidator() {}

  /**
   * Checks every change.
   *
   * @param offset where the changes section starts in the input, or -1 when there is none
   * @throws ChangeLogFormatException naming the first change that breaks a rule
   */
  static void validate(List<Change> changes, long offset) throws ChangeLogFormatException {
    if (changes.size() > FormatLimits.MAX_CHANGES_PER_LOG) {
      throw new ChangeLogFormatException(
          Problem.LIMIT_EXCEEDED,
          offset,
          "change log has "
              + changes.size()
              + " changes; at most "
              + FormatLimits.MAX_CHANGES_PER_LOG
              + " are allowed in one log");
    }
    ChangeValidator validator = new ChangeValidator();
    for (int i = 0; i < changes.size(); i++) {
      Change change = changes.get(i);
      String problem = validator.problem(change);
      if (problem != null) {
        throw new ChangeLogFormatException(
            validator.kind,
            offset,
            "change " + i + " (item '" + shorten(change.getItemId()) + "'): " + problem);
      }
    }
  }

  private static String shorten(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }

  /** Returns what is wrong with {@code change}, or null. */
  @Nullable String problem(Change change) {
    String p;
    if ((p = unknown(change, "change")) != null) {
      return p;
    }
    if ((p = name(change.getItemId(), "item id")) != null) {
      return p;
    }
    ItemKind kind = change.getKind();
    if (kind == ItemKind.ITEM_KIND_UNSPECIFIED || kind == ItemKind.UNRECOGNIZED) {
      return "has no known item kind (" + change.getKindValue() + ")";
    }
    boolean fileLike = isFileLike(kind);
    if (fileLike) {
      if ((p = path(change.getPath(), "path")) != null) {
        return p;
      }
    } else if (!change.getPath().isEmpty()) {
      return "is a record (" + kind + ") but has a path";
    }
    switch (change.getType()) {
      case CHANGE_ADD -> {
        if ((p = noVersion(change.getBaseVersion(), "base version", "an add")) != null
            || (p = version(change.getNewVersion(), "new version")) != null
            || (p = noFromPath(change)) != null) {
          return p;
        }
        if (change.getPayloadCase() != Change.PayloadCase.ITEM) {
          return "an add must carry the whole item";
        }
        return item(change.getItem(), change);
      }
      case CHANGE_MODIFY -> {
        if ((p = version(change.getBaseVersion(), "base version")) != null
            || (p = version(change.getNewVersion(), "new version")) != null
            || (p = noFromPath(change)) != null) {
          return p;
        }
        return switch (change.getPayloadCase()) {
          case ITEM -> item(change.getItem(), change);
          case FILE_EDIT ->
              kind == ItemKind.KIND_FILE
                  ? fileEdit(change.getFileEdit())
                  : "a chunk-list edit applies to files only, not to " + kind;
          case RECORD_EDIT ->
              fileLike
                  ? "a record edit applies to records only, not to " + kind
                  : recordEdit(change.getRecordEdit());
          case PAYLOAD_NOT_SET -> "a modify must carry an item, a file edit or a record edit";
        };
      }
      case CHANGE_MOVE -> {
        if (!fileLike) {
          return "only files, directories and symlinks move; " + kind + " does not";
        }
        if ((p = version(change.getBaseVersion(), "base version")) != null
            || (p = version(change.getNewVersion(), "new version")) != null
            || (p = path(change.getFromPath(), "from path")) != null) {
          return p;
        }
        if (change.getFromPath().equals(change.getPath())) {
          return "moves '" + change.getPath() + "' onto itself";
        }
        return change.getPayloadCase() == Change.PayloadCase.PAYLOAD_NOT_SET
            ? null
            : "a move carries no payload";
      }
      case CHANGE_DELETE -> {
        if ((p = version(change.getBaseVersion(), "base version")) != null
            || (p = noVersion(change.getNewVersion(), "new version", "a delete")) != null
            || (p = noFromPath(change)) != null) {
          return p;
        }
        return change.getPayloadCase() == Change.PayloadCase.PAYLOAD_NOT_SET
            ? null
            : "a delete carries no payload";
      }
      default -> {
        return "has no known change type (" + change.getTypeValue() + ")";
      }
    }
  }

  static boolean isFileLike(ItemKind kind) {
    return kind == ItemKind.KIND_FILE
        || kind == ItemKind.KIND_DIRECTORY
        || kind == ItemKind.KIND_SYMLINK;
  }

  private @Nullable String noFromPath(Change change) {
    return change.getFromPath().isEmpty() ? null : "only a move has a from path";
  }

  private @Nullable String item(Item item, Change change) {
    String p;
    if ((p = unknown(item, "item")) != null) {
      return p;
    }
    if (!item.getId().equals(change.getItemId())) {
      return "item id '" + shorten(item.getId()) + "' differs from the change's";
    }
    if (item.getKind() != change.getKind()) {
      return "item kind " + item.getKind() + " differs from the change's " + change.getKind();
    }
    if (!item.getPath().equals(change.getPath())) {
      return "item path differs from the change's";
    }
    ItemKind kind = item.getKind();
    if (isFileLike(kind) && !item.getUid().isEmpty()) {
      return "a " + kind + " has no uid";
    }
    if (!isFileLike(kind)) {
      if (!item.getUid().equals(change.getItemId())) {
        return "a record's uid '" + shorten(item.getUid()) + "' differs from its item id";
      }
      String root = kind == ItemKind.KIND_CONTACT ? "VCARD" : "VCALENDAR";
      if (item.getBodyCase() == Item.BodyCase.RECORD && !item.getRecord().getName().equals(root)) {
        return "a "
            + kind
            + " record is a "
            + root
            + " component, not "
            + item.getRecord().getName();
      }
    }
    return switch (kind) {
      case KIND_FILE ->
          item.getBodyCase() == Item.BodyCase.FILE
              ? fileBody(item.getFile())
              : "a file item must have a file body";
      case KIND_DIRECTORY ->
          item.getBodyCase() == Item.BodyCase.DIRECTORY
              ? unknown(item.getDirectory(), "directory body")
              : "a directory item must have a directory body";
      case KIND_SYMLINK -> {
        if (item.getBodyCase() != Item.BodyCase.SYMLINK) {
          yield "a symlink item must have a symlink body";
        }
        String target = item.getSymlink().getTarget();
        if (target.isEmpty() || target.indexOf('\0') >= 0) {
          yield "symlink target is empty or contains NUL";
        }
        yield longerThan(target, FormatLimits.MAX_PATH_BYTES)
            ? "symlink target is longer than " + FormatLimits.MAX_PATH_BYTES + " bytes"
            : unknown(item.getSymlink(), "symlink body");
      }
      default ->
          item.getBodyCase() == Item.BodyCase.RECORD
              ? component(item.getRecord(), 1)
              : "a record item (" + kind + ") must have a record body";
    };
  }

  private @Nullable String fileBody(FileBody body) {
    String p;
    if ((p = unknown(body, "file body")) != null) {
      return p;
    }
    if (body.getChunksCount() > FormatLimits.MAX_CHUNKS_PER_FILE) {
      return "file has "
          + body.getChunksCount()
          + " chunks; at most "
          + FormatLimits.MAX_CHUNKS_PER_FILE
          + " are allowed";
    }
    long total = 0;
    for (ChunkRef ref : body.getChunksList()) {
      if ((p = chunkRef(ref)) != null) {
        return p;
      }
      total += ref.getLength();
    }
    return total == body.getSize()
        ? null
        : "file size "
            + Long.toUnsignedString(body.getSize())
            + " differs from its chunks' total "
            + total;
  }

  private @Nullable String fileEdit(FileEdit edit) {
    String p;
    if ((p = unknown(edit, "file edit")) != null) {
      return p;
    }
    long nextFree = 0;
    long inserted = 0;
    for (ChunkSplice splice : edit.getSplicesList()) {
      if ((p = unknown(splice, "chunk splice")) != null) {
        return p;
      }
      long at = Integer.toUnsignedLong(splice.getAt());
      long remove = Integer.toUnsignedLong(splice.getRemove());
      if (at < nextFree) {
        return "chunk splices overlap or are out of order at position " + at;
      }
      if (remove == 0 && splice.getInsertCount() == 0) {
        return "a chunk splice at position " + at + " neither removes nor inserts";
      }
      nextFree = at + remove;
      if (nextFree > FormatLimits.MAX_CHUNKS_PER_FILE) {
        return "chunk splice reaches past the largest chunk list ("
            + FormatLimits.MAX_CHUNKS_PER_FILE
            + ")";
      }
      inserted += splice.getInsertCount();
      if (inserted > FormatLimits.MAX_CHUNKS_PER_FILE) {
        return "file edit inserts more than " + FormatLimits.MAX_CHUNKS_PER_FILE + " chunks";
      }
      for (ChunkRef ref : splice.getInsertList()) {
        if ((p = chunkRef(ref)) != null) {
          return p;
        }
      }
    }
    return null;
  }

  private @Nullable String chunkRef(ChunkRef ref) {
    String p;
    if ((p = unknown(ref, "chunk reference")) != null) {
      return p;
    }
    if (ref.getId().size() != FormatLimits.HASH_BYTES) {
      return "chunk id has " + ref.getId().size() + " bytes, not " + FormatLimits.HASH_BYTES;
    }
    long length = Integer.toUnsignedLong(ref.getLength());
    if (length == 0 || length > FormatLimits.MAX_CHUNK_BYTES) {
      return "chunk length " + length + " is outside 1.." + FormatLimits.MAX_CHUNK_BYTES;
    }
    return null;
  }

  private @Nullable String recordEdit(RecordEdit edit) {
    String p;
    if ((p = unknown(edit, "record edit")) != null) {
      return p;
    }
    if (edit.getPropertiesCount() == 0 && edit.getComponentsCount() == 0) {
      return "a record edit changes nothing";
    }
    for (PropertyEdit pe : edit.getPropertiesList()) {
      if ((p = unknown(pe, "property edit")) != null
          || (p = steps(pe.getPathList(), 0)) != null
          || (p = name(pe.getName(), "property name")) != null) {
        return p;
      }
      for (Property property : pe.getPropertiesList()) {
        if (!property.getName().equals(pe.getName())) {
          return "property edit for " + pe.getName() + " holds a " + property.getName();
        }
        if ((p = property(property)) != null) {
          return p;
        }
      }
    }
    for (ComponentEdit ce : edit.getComponentsList()) {
      if ((p = unknown(ce, "component edit")) != null || (p = steps(ce.getPathList(), 1)) != null) {
        return p;
      }
      if (ce.hasComponent()) {
        if (!ce.getComponent().getName().equals(ce.getPath(ce.getPathCount() - 1).getName())) {
          return "component edit for "
              + ce.getPath(ce.getPathCount() - 1).getName()
              + " holds a "
              + ce.getComponent().getName();
        }
        if ((p = component(ce.getComponent(), 1 + ce.getPathCount())) != null) {
          return p;
        }
      }
    }
    return null;
  }

  private @Nullable String steps(List<ComponentStep> path, int min) {
    if (path.size() < min) {
      return "a component edit needs a path to the component";
    }
    if (path.size() >= FormatLimits.MAX_COMPONENT_DEPTH) {
      return "component path has "
          + path.size()
          + " steps; below the root at most "
          + (FormatLimits.MAX_COMPONENT_DEPTH - 1)
          + " fit the nesting limit of "
          + FormatLimits.MAX_COMPONENT_DEPTH;
    }
    String p;
    for (ComponentStep step : path) {
      if ((p = unknown(step, "component step")) != null
          || (p = name(step.getName(), "component name")) != null
          || (p = optionalName(step.getKey(), "component key")) != null) {
        return p;
      }
    }
    return null;
  }

  private @Nullable String component(Component component, int depth) {
    if (depth > FormatLimits.MAX_COMPONENT_DEPTH) {
      return "record components nest deeper than " + FormatLimits.MAX_COMPONENT_DEPTH;
    }
    String p;
    if ((p = unknown(component, "component")) != null
        || (p = name(component.getName(), "component name")) != null) {
      return p;
    }
    for (Property property : component.getPropertiesList()) {
      if ((p = property(property)) != null) {
        return p;
      }
    }
    for (Component child : component.getComponentsList()) {
      if ((p = component(child, depth + 1)) != null) {
        return p;
      }
    }
    return null;
  }

  private @Nullable String property(Property property) {
    String p;
    if ((p = unknown(property, "property")) != null
        || (p = name(property.getName(), "property name")) != null
        || (p = optionalName(property.getGroup(), "property group")) != null
        || (p = optionalName(property.getValueType(), "value type")) != null) {
      return p;
    }
    for (Parameter parameter : property.getParametersList()) {
      if ((p = unknown(parameter, "parameter")) != null
          || (p = name(parameter.getName(), "parameter name")) != null) {
        return p;
      }
      for (String value : parameter.getValuesList()) {
        if ((p = text(value, "parameter value")) != null) {
          return p;
        }
      }
    }
    for (Value value : property.getValuesList()) {
      if ((p = unknown(value, "value")) != null) {
        return p;
      }
      switch (value.getValueCase()) {
        case TEXT -> p = text(value.getText(), "value of " + property.getName());
        case BINARY ->
            p =
                value.getBinary().size() > FormatLimits.MAX_VALUE_BYTES
                    ? "binary value of "
                        + property.getName()
                        + " is larger than "
                        + FormatLimits.MAX_VALUE_BYTES
                        + " bytes"
                    : null;
        case STRUCTURED -> {
          if ((p = unknown(value.getStructured(), "structured value")) != null) {
            return p;
          }
          for (StructuredPart part : value.getStructured().getPartsList()) {
            if ((p = unknown(part, "structured part")) != null) {
              return p;
            }
            for (String s : part.getValuesList()) {
              if ((p = text(s, "value of " + property.getName())) != null) {
                return p;
              }
            }
          }
        }
        case VALUE_NOT_SET ->
            p = "a value of " + property.getName() + " is empty (no text, structured or binary)";
      }
      if (p != null) {
        return p;
      }
    }
    return null;
  }

  private @Nullable String path(String path, String what) {
    String p = ItemPaths.problem(path);
    return p == null ? null : what + " '" + shorten(path.replace("\0", "\\0")) + "' " + p;
  }

  private @Nullable String version(ByteString version, String what) {
    return version.size() == FormatLimits.HASH_BYTES
        ? null
        : what + " has " + version.size() + " bytes, not " + FormatLimits.HASH_BYTES;
  }

  private @Nullable String noVersion(ByteString version, String what, String change) {
    return version.isEmpty() ? null : change + " has no " + what;
  }

  static @Nullable String name(String value, String what) {
    if (value.isEmpty()) {
      return what + " is empty";
    }
    return optionalName(value, what);
  }

  static @Nullable String optionalName(String value, String what) {
    if (longerThan(value, FormatLimits.MAX_NAME_BYTES)) {
      return what + " is longer than " + FormatLimits.MAX_NAME_BYTES + " bytes";
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return what + " contains the control character U+" + String.format("%04X", (int) c);
      }
    }
    return null;
  }

  private @Nullable String text(String value, String what) {
    return longerThan(value, FormatLimits.MAX_VALUE_BYTES)
        ? what + " is longer than " + FormatLimits.MAX_VALUE_BYTES + " bytes"
        : null;
  }

  private @Nullable String unknown(Message message, String what) {
    String p = unknownFields(message, what);
    if (p != null) {
      kind = Problem.UNSUPPORTED;
    }
    return p;
  }

  static @Nullable String unknownFields(Message message, String what) {
    if (message.getUnknownFields().asMap().isEmpty()) {
      return null;
    }
    return what
        + " has fields this reader does not know (numbers "
        + message.getUnknownFields().asMap().keySet()
        + "): was it written by a newer deltasync?";
  }

  /**
   * Whether {@code s} takes more than {@code maxBytes} bytes in UTF-8, without encoding it when the
   * length alone decides.
   */
  static boolean longerThan(String s, int maxBytes) {
    if (s.length() * 3L <= maxBytes) {
      return false;
    }
    if (s.length() > maxBytes) {
      return true;
    }
    return s.getBytes(StandardCharsets.UTF_8).length > maxBytes;
  }
}
