package dev.deltasync.sources.ical;

import dev.deltasync.format.v1.Component;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import net.fortuna.ical4j.data.CalendarParserImpl;
import net.fortuna.ical4j.data.ContentHandler;
import net.fortuna.ical4j.data.ParserException;
import org.jspecify.annotations.Nullable;

/**
 * Reads an item's blocks into a record. ical4j's low-level parser checks each block's structure and
 * drives a {@link ContentHandler} that builds the component tree directly; each property's own line
 * is split by {@link ContentLine} and mapped by {@link PropertyCodec}, so no byte goes through
 * ical4j's typed model.
 */
final class RecordReader {
  private RecordReader() {}

  /** An item that cannot be read; the message names the file and line. */
  static final class MalformedItemException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedItemException(String message) {
      super(message);
    }
  }

  /** The record of {@code item}: a VCALENDAR of its VTIMEZONEs, master and overrides. */
  static Component read(CalendarText text, CalendarText.ItemText item)
      throws MalformedItemException {
    if (item.problem != null) {
      throw new MalformedItemException(item.problem);
    }
    Component.Builder calendar = Component.newBuilder().setName("VCALENDAR");
    for (CalendarText.Block block : item.timezones) {
      calendar.addComponents(readBlock(text, block));
    }
    for (CalendarText.Block block : item.parts()) {
      calendar.addComponents(readBlock(text, block));
    }
    return calendar.build();
  }

  /** One top-level component. */
  static Component readBlock(CalendarText text, CalendarText.Block block)
      throws MalformedItemException {
    List<CalendarText.Line> fed = new ArrayList<>(block.endLine - block.firstLine);
    StringBuilder input = new StringBuilder(block.end - block.start + 40);
    input.append("BEGIN:VCALENDAR\r\n");
    for (int i = block.firstLine; i < block.endLine; i++) {
      CalendarText.Line line = text.lines.get(i);
      String content = line.text();
      if (content.isBlank()) {
        continue;
      }
      fed.add(line);
      // ical4j matches BEGIN and END case-sensitively; relaxed here, as the layout is.
      String begin = CalendarText.componentOf(content, "BEGIN:");
      String end = begin == null ? CalendarText.componentOf(content, "END:") : null;
      if (begin != null) {
        content = "BEGIN:" + begin;
      } else if (end != null) {
        content = "END:" + end;
      }
      input.append(content).append("\r\n");
    }
    input.append("END:VCALENDAR\r\n");
    TreeBuilder builder = new TreeBuilder(fed);
    try {
      new CalendarParserImpl().parse(new StringReader(input.toString()), builder);
    } catch (ParserException e) {
      if (e.getCause() instanceof LineException line) {
        throw new MalformedItemException(text.where(line.line.number()) + ": " + line.getMessage());
      }
      int index = Math.max(0, Math.min(fed.size() - 1, e.getLineNo() - 2));
      int number = fed.isEmpty() ? 1 : fed.get(index).number();
      throw new MalformedItemException(
          text.where(number) + ": not valid iCalendar: " + e.getMessage());
    } catch (LineException e) {
      throw new MalformedItemException(text.where(e.line.number()) + ": " + e.getMessage());
    } catch (IOException e) {
      throw new IllegalStateException("reading from a string cannot fail", e);
    }
    Component result = builder.result;
    if (result == null || builder.cursor != fed.size()) {
      throw new MalformedItemException(
          text.where(text.lines.get(block.firstLine).number())
              + ": not a complete "
              + block.name
              + " component");
    }
    return result;
  }

  /** A problem with one line, thrown through ical4j's parser. */
  private static final class LineException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient CalendarText.Line line;

    LineException(CalendarText.Line line, String message) {
      super(message);
      this.line = line;
    }
  }

  /**
   * Consumes the fed lines in step with ical4j's events: a BEGIN line per startComponent, a
   * property line per startProperty, an END line per endComponent.
   */
  private static final class TreeBuilder implements ContentHandler {
    private final List<CalendarText.Line> lines;
    private final Deque<Component.Builder> open = new ArrayDeque<>();
    int cursor;
    @Nullable Component result;

    TreeBuilder(List<CalendarText.Line> lines) {
      this.lines = lines;
    }

    private CalendarText.Line next(String expected) {
      if (cursor >= lines.size()) {
        throw new LineException(
            lines.get(lines.size() - 1), "the component ends where " + expected + " was expected");
      }
      return lines.get(cursor++);
    }

    @Override
    public void startCalendar() {}

    @Override
    public void endCalendar() {}

    @Override
    public void startComponent(String name) {
      CalendarText.Line line = next("BEGIN:" + name);
      if (!name.equalsIgnoreCase(CalendarText.componentOf(line.text(), "BEGIN:"))) {
        throw new LineException(line, "expected BEGIN:" + name);
      }
      open.push(Component.newBuilder().setName(name.toUpperCase(Locale.ROOT)));
    }

    @Override
    public void endComponent(String name) {
      CalendarText.Line line = next("END:" + name);
      if (!name.equalsIgnoreCase(CalendarText.componentOf(line.text(), "END:")) || open.isEmpty()) {
        throw new LineException(line, "expected END:" + name);
      }
      Component done = open.pop().build();
      if (open.isEmpty()) {
        if (result != null) {
          throw new LineException(line, "a second component in one block");
        }
        result = done;
      } else {
        open.peek().addComponents(done);
      }
    }

    @Override
    public void startProperty(String name) {
      CalendarText.Line line = next("property " + name);
      if (open.isEmpty()) {
        throw new LineException(line, "property " + name + " outside a component");
      }
      ContentLine content;
      try {
        content = ContentLine.parse(line.text());
      } catch (ContentLine.MalformedLineException e) {
        throw new LineException(line, String.valueOf(e.getMessage()));
      }
      if (!content.name().equalsIgnoreCase(name)) {
        throw new LineException(line, "cannot read property " + content.name());
      }
      open.peek().addProperties(PropertyCodec.toProperty(content));
    }

    @Override
    public void propertyValue(String value) {}

    @Override
    public void endProperty(String name) {}

    @Override
    public void parameter(String name, String value) {}
  }
}
