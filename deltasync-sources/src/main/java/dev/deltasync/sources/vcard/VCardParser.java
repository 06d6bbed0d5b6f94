package dev.deltasync.sources.vcard;

import com.github.mangstadt.vinnie.VObjectProperty;
import com.github.mangstadt.vinnie.io.Context;
import com.github.mangstadt.vinnie.io.SyntaxRules;
import com.github.mangstadt.vinnie.io.VObjectDataListener;
import com.github.mangstadt.vinnie.io.VObjectReader;
import com.github.mangstadt.vinnie.io.Warning;
import dev.deltasync.format.v1.Component;
import dev.deltasync.format.v1.Property;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Reads one vCard entry (BEGIN:VCARD to END:VCARD) into the universal record. vinnie does the
 * lexing: unfolding, parameters, quoted-printable and charsets; {@link PropertyCodec} the values.
 */
final class VCardParser {
  private VCardParser() {}

  private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

  /**
   * Parses {@code text}, which starts at line {@code firstLine} of {@code file}.
   *
   * @throws MalformedEntryException when a line cannot be read, quoted-printable or base64 data is
   *     broken, or END:VCARD is missing; the message names the file and line
   */
  static ParsedContact parse(byte[] text, String file, int firstLine)
      throws MalformedEntryException {
    Listener listener = new Listener();
    try (VObjectReader reader =
        new VObjectReader(new StringReader(decode(text)), SyntaxRules.vcard())) {
      reader.setDefaultQuotedPrintableCharset(StandardCharsets.UTF_8);
      reader.parse(listener);
    } catch (IOException e) {
      throw new AssertionError("reading a string failed", e);
    }
    if (listener.problem != null) {
      throw malformed(file, firstLine + listener.problemLine - 1, listener.problem);
    }
    Node root = listener.root;
    if (root == null || !listener.stack.isEmpty()) {
      throw malformed(file, firstLine, "the vCard has no END:VCARD");
    }
    VCardVersion version = VCardVersion.of(listener.version);
    VCardVersion syntax = version == null ? VCardVersion.V2_1 : version;
    try {
      Component record = root.toComponent(syntax);
      String uid = null;
      for (Property property : record.getPropertiesList()) {
        if (property.getName().equals("UID")
            && property.getValuesCount() > 0
            && !property.getValues(0).getText().isEmpty()) {
          uid = property.getValues(0).getText();
          break;
        }
      }
      return new ParsedContact(version, listener.prodid, record, uid);
    } catch (PropertyCodec.BadValueException e) {
      throw malformed(file, firstLine, e.getMessage());
    }
  }

  private static MalformedEntryException malformed(String file, int line, @Nullable String what) {
    return new MalformedEntryException(
        file + ":" + line + ": this contact cannot be read (" + what + ")");
  }

  /** UTF-8 when the bytes are UTF-8, else windows-1252 (old 2.1 exports). */
  static String decode(byte[] text) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(text))
          .toString();
    } catch (CharacterCodingException e) {
      return new String(text, WINDOWS_1252);
    }
  }

  /** A component as read: its properties and sub-components, in order. */
  private static final class Node {
    final String name;
    final List<Object> children = new ArrayList<>(); // VObjectProperty or Node

    Node(String name) {
      this.name = name;
    }

    Component toComponent(VCardVersion version) throws PropertyCodec.BadValueException {
      Component.Builder out = Component.newBuilder().setName(name);
      for (Object child : children) {
        if (child instanceof Node node) {
          out.addComponents(node.toComponent(version));
        } else {
          out.addProperties(PropertyCodec.toUniversal((VObjectProperty) child, version));
        }
      }
      return out.build();
    }
  }

  private static final class Listener implements VObjectDataListener {
    final Deque<Node> stack = new ArrayDeque<>();
    @Nullable Node root;
    @Nullable String version;
    @Nullable String prodid;
    @Nullable String problem;
    int problemLine;

    @Override
    public void onComponentBegin(String name, Context context) {
      Node node = new Node(name);
      Node parent = stack.peek();
      if (parent != null) {
        parent.children.add(node);
      } else if (root == null) {
        root = node;
      } else {
        fail(context, "a second BEGIN after END:VCARD");
      }
      stack.push(node);
    }

    @Override
    public void onComponentEnd(String name, Context context) {
      stack.poll();
    }

    @Override
    public void onProperty(VObjectProperty property, Context context) {
      Node parent = stack.peek();
      if (parent == null) {
        fail(context, "a line outside BEGIN:VCARD and END:VCARD");
        return;
      }
      String name = property.getName().trim().toUpperCase(Locale.ROOT);
      if (stack.size() == 1 && name.equals("PRODID") && prodid == null) {
        prodid = property.getValue();
      } else if (name.equals("VERSION")) {
        if (stack.size() == 1) {
          version = property.getValue(); // one this source does not know
        }
      } else {
        parent.children.add(property);
      }
    }

    @Override
    public void onVersion(String value, Context context) {
      if (stack.size() == 1) {
        version = value;
      }
    }

    @Override
    public void onWarning(
        Warning warning,
        @Nullable VObjectProperty property,
        @Nullable Exception thrown,
        Context context) {
      switch (warning) {
        case UNKNOWN_CHARSET, UNKNOWN_VERSION -> {} // read with UTF-8; version handled above
        default -> fail(context, warning.getMessage() + ": " + context.getUnfoldedLine());
      }
    }

    private void fail(Context context, String what) {
      if (problem == null) {
        problem = what;
        problemLine = context.getLineNumber();
      }
    }
  }
}
