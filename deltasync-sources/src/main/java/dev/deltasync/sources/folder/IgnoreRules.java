package dev.deltasync.sources.folder;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The paths of a folder that its {@code .deltasyncignore} files keep out of sync. A rule file may
 * sit in any directory; each has the syntax and semantics of a <a
 * href="https://git-scm.com/docs/gitignore">gitignore</a> file, one rule a line:
 *
 * <ul>
 *   <li>Blank lines and lines starting with {@code #} are skipped; {@code \#} starts a pattern with
 *       a literal hash. Trailing spaces are trimmed unless escaped with a backslash ({@code \ }).
 *       CRLF line ends and a leading UTF-8 byte order mark are accepted.
 *   <li>A leading {@code !} negates: a path that an earlier rule excluded is included again. The
 *       last rule that matches a path decides. {@code \!} starts a pattern with a literal "!".
 *   <li>A trailing {@code /} matches directories only.
 *   <li>A pattern with a {@code /} at its start or in its middle is anchored: it is matched against
 *       the whole path from the directory that holds the rule file. Any other pattern is matched
 *       against the last component of a path, at any depth below that directory.
 *   <li>{@code *} matches any run of characters but {@code /}; {@code ?} one character but {@code
 *       /}; {@code [a-z]}, {@code [abc]}, {@code [[:digit:]]} one character of a set and {@code
 *       [!a-z]} or {@code [^a-z]} one character not in it. A backslash makes the next character
 *       literal.
 *   <li>A leading <code>**&#47;</code> matches in all directories, a trailing {@code /**} matches
 *       everything inside, and <code>/**&#47;</code> matches zero or more directories. Any other
 *       {@code **} is a plain {@code *}.
 *   <li>A path inside an excluded directory is excluded whatever later rules say: as in git, a path
 *       cannot be included again once one of its parent directories is excluded. The rule file of
 *       an excluded directory is not read.
 *   <li>Files in deeper directories take precedence: a path is matched first against the rules of
 *       the rule file nearest to it (last rule first), then against those of the file one level up,
 *       and so on to the root's; the first rule that matches decides. So {@code *.log} in the root
 *       and {@code !keep.log} in {@code sub} keep {@code sub/keep.log} and {@code sub/a/keep.log},
 *       not {@code keep.log}.
 *   <li>The rule files themselves are always excluded: each device has its own rules, which never
 *       travel (as with Syncthing's {@code .stignore}, unlike git's {@code .gitignore}).
 * </ul>
 *
 * <p>Examples:
 *
 * <ul>
 *   <li>{@code *.log} ignores {@code debug.log} and {@code a/b/debug.log}, not {@code
 *       debug.log.txt}.
 *   <li>{@code build/} ignores the directories {@code build} and {@code a/build} with all inside
 *       them, not a file named {@code build}.
 *   <li>{@code /TODO} ignores {@code TODO}, not {@code docs/TODO}; {@code doc/frotz} ignores {@code
 *       doc/frotz}, not {@code a/doc/frotz}. In the rule file of {@code src}, {@code /TODO} ignores
 *       {@code src/TODO}.
 *   <li><code>**&#47;cache</code> ignores {@code cache} and {@code a/b/cache}, not {@code
 *       a/cache2}.
 *   <li>{@code out/**} ignores {@code out/x} and {@code out/a/b}, not {@code out} itself.
 *   <li><code>a/**&#47;b</code> ignores {@code a/b}, {@code a/x/b} and {@code a/x/y/b}, not {@code
 *       a/xb}.
 *   <li>{@code *.log} then {@code !keep.log} ignores {@code x.log}, not {@code a/keep.log}.
 *   <li>{@code build/} then {@code !build/keep.txt} still ignores {@code build/keep.txt}: its
 *       parent stays excluded. {@code build/*} then {@code !build/keep.txt} keeps it.
 * </ul>
 *
 * <p>Where this differs from git:
 *
 * <ul>
 *   <li>A {@code **} right after the literal start of an anchored pattern and before a {@code /},
 *       as in <code>/build**&#47;out</code>, is a plain {@code *} as documented; git's
 *       implementation lets it cross {@code /}.
 *   <li>Matching is always case-sensitive (git's {@code core.ignoreCase} has no counterpart).
 *   <li>{@code ?} and sets match one Unicode code point where git matches one byte of UTF-8, and
 *       ranges compare code points. POSIX classes such as {@code [:alpha:]} are ASCII only, as in
 *       git.
 *   <li>A rule file that is a symbolic link or a directory is not read (git also refuses to follow
 *       a symbolic link named {@code .gitignore}).
 * </ul>
 *
 * <p>Like git, a malformed pattern (an unterminated {@code [}, an unknown {@code [:class:]}, a
 * trailing lone backslash) matches nothing rather than failing the whole file.
 *
 * <p>Instances are immutable and safe for concurrent use. Patterns are compiled once; {@link
 * #ignores} allocates nothing, as it is asked about every path of large trees.
 */
final class IgnoreRules {
  /** The name of a rule file, in the folder's root or in any directory below it. */
  static final String FILE_NAME = ".deltasyncignore";

  private static final IgnoreRules NONE = new IgnoreRules(new String[0], new Rule[0][]);

  /** The directories that have rules ("" for the root), sorted as strings. */
  private final String[] directories;

  /** The rules of each of {@link #directories}, in file order. */
  private final Rule[][] rules;

  private IgnoreRules(String[] directories, Rule[][] rules) {
    this.directories = directories;
    this.rules = rules;
  }

  /** Rules that ignore nothing but rule files. */
  static IgnoreRules none() {
    return NONE;
  }

  /**
   * Parses the text of the root's rule file; patterns that are malformed are dropped, as in git.
   */
  static IgnoreRules parse(String text) {
    return NONE.with("", text);
  }

  /**
   * These rules plus those of the rule file in {@code directory}, given as text, replacing any the
   * same directory had.
   *
   * @param directory relative to the folder's root, '/'-separated, "" for the root itself
   * @throws IllegalArgumentException if {@code directory} starts or ends with {@code /}
   */
  IgnoreRules with(String directory, String text) {
    if (!directory.isEmpty()) {
      requireRelative(directory);
    }
    Rule[] parsed = parseRules(text);
    int at = find(directory, directory.length());
    if (at >= 0) {
      Rule[][] replaced = rules.clone();
      replaced[at] = parsed;
      return new IgnoreRules(directories, replaced);
    }
    if (parsed.length == 0) {
      return this;
    }
    int insert = -at - 1;
    String[] moreDirectories = new String[directories.length + 1];
    Rule[][] moreRules = new Rule[rules.length + 1][];
    System.arraycopy(directories, 0, moreDirectories, 0, insert);
    System.arraycopy(rules, 0, moreRules, 0, insert);
    moreDirectories[insert] = directory;
    moreRules[insert] = parsed;
    System.arraycopy(directories, insert, moreDirectories, insert + 1, directories.length - insert);
    System.arraycopy(rules, insert, moreRules, insert + 1, rules.length - insert);
    return new IgnoreRules(moreDirectories, moreRules);
  }

  /**
   * These rules plus those of the {@value #FILE_NAME} file in {@code dir}, read as UTF-8, when it
   * has one that is a regular file (a symbolic link is not followed).
   *
   * @param directory the path of {@code dir} relative to the folder's root, "" for the root
   * @param dir the directory on disk
   * @throws IOException if the file exists but cannot be read or is not valid UTF-8
   */
  IgnoreRules withFileIn(String directory, Path dir) throws IOException {
    Path file = dir.resolve(FILE_NAME);
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return this;
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException gone) {
      return this;
    } catch (CharacterCodingException e) {
      throw new IOException(
          file + " is not valid UTF-8; save it as UTF-8 and sync again (" + e + ")", e);
    }
    return with(directory, text);
  }

  private static Rule[] parseRules(String text) {
    List<Rule> rules = new ArrayList<>();
    int start = text.startsWith("\uFEFF") ? 1 : 0;
    while (start < text.length()) {
      int newline = text.indexOf('\n', start);
      int end = newline < 0 ? text.length() : newline;
      Rule rule = Rule.parse(text.substring(start, end));
      if (rule != null) {
        rules.add(rule);
      }
      start = end + 1;
    }
    return rules.toArray(new Rule[0]);
  }

  /**
   * Whether the rules keep {@code path} out of sync: it is a rule file, or the first rule matching
   * it (nearest file first, last rule first) excludes it, or one of its parent directories is
   * excluded.
   *
   * @param path relative to the folder's root, components separated by {@code /}, without a leading
   *     or trailing {@code /}, such as {@code src/build/out.o}
   * @param directory whether {@code path} is a directory (rules ending in {@code /} match only
   *     those)
   * @throws IllegalArgumentException if {@code path} is empty or starts or ends with {@code /}
   */
  boolean ignores(String path, boolean directory) {
    requireRelative(path);
    int name = path.lastIndexOf('/') + 1;
    if (path.length() - name == FILE_NAME.length() && path.startsWith(FILE_NAME, name)) {
      return true;
    }
    if (directories.length == 0) {
      return false;
    }
    for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
      if (excluded(path, slash, true)) {
        return true;
      }
    }
    return excluded(path, path.length(), directory);
  }

  private static void requireRelative(String path) {
    if (path.isEmpty() || path.charAt(0) == '/' || path.charAt(path.length() - 1) == '/') {
      throw new IllegalArgumentException(
          "path must be relative and '/'-separated, without a leading or trailing '/': '"
              + path
              + "'");
    }
  }

  /**
   * Whether the first rule matching {@code path[0, end)} excludes it, asking the rule files from
   * the nearest directory up to the root.
   */
  private boolean excluded(String path, int end, boolean directory) {
    for (int slash = path.lastIndexOf('/', end - 1); ; slash = path.lastIndexOf('/', slash - 1)) {
      int scope = find(path, Math.max(slash, 0));
      if (scope >= 0) {
        Rule[] scoped = rules[scope];
        for (int i = scoped.length - 1; i >= 0; i--) {
          if (scoped[i].matches(path, slash + 1, end, directory)) {
            return !scoped[i].negated;
          }
        }
      }
      if (slash < 0) {
        return false;
      }
    }
  }

  /**
   * The index of the directory {@code path[0, end)} in {@link #directories}, or {@code -(insertion
   * point) - 1}: a binary search that compares the region in place.
   */
  private int find(String path, int end) {
    int low = 0;
    int high = directories.length - 1;
    while (low <= high) {
      int middle = (low + high) >>> 1;
      int order = compareRegion(directories[middle], path, end);
      if (order < 0) {
        low = middle + 1;
      } else if (order > 0) {
        high = middle - 1;
      } else {
        return middle;
      }
    }
    return -(low + 1);
  }

  /** {@code directory.compareTo(path.substring(0, end))}, without the substring. */
  private static int compareRegion(String directory, String path, int end) {
    int common = Math.min(directory.length(), end);
    for (int i = 0; i < common; i++) {
      int order = directory.charAt(i) - path.charAt(i);
      if (order != 0) {
        return order;
      }
    }
    return directory.length() - end;
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("IgnoreRules[");
    for (int d = 0; d < directories.length; d++) {
      out.append(d == 0 ? "" : "; ").append(directories[d].isEmpty() ? "" : directories[d] + ": ");
      for (int i = 0; i < rules[d].length; i++) {
        out.append(i == 0 ? "" : ", ").append(rules[d][i].source);
      }
    }
    return out.append(']').toString();
  }

  /** One line of a rule file, compiled. */
  private static final class Rule {
    final String source;
    final boolean negated;
    final boolean directoryOnly;

    /** Matched against the last component only (the pattern had no slash but a trailing one). */
    final boolean lastComponentOnly;

    /** One per component of the pattern; a single one if {@link #lastComponentOnly}. */
    final Segment[] segments;

    private Rule(
        String source,
        boolean negated,
        boolean directoryOnly,
        boolean lastComponentOnly,
        Segment[] segments) {
      this.source = source;
      this.negated = negated;
      this.directoryOnly = directoryOnly;
      this.lastComponentOnly = lastComponentOnly;
      this.segments = segments;
    }

    /** Parses one line (without its '\n'); null for blank lines, comments and malformed ones. */
    static @Nullable Rule parse(String line) {
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      if (line.startsWith("#")) {
        return null;
      }
      String source = trimTrailingSpaces(line);
      String pattern = source;
      boolean negated = pattern.startsWith("!");
      if (negated) {
        pattern = pattern.substring(1);
      }
      boolean directoryOnly = pattern.endsWith("/");
      if (directoryOnly) {
        pattern = pattern.substring(0, pattern.length() - 1);
      }
      boolean anchored = pattern.indexOf('/') >= 0;
      if (pattern.startsWith("/")) {
        pattern = pattern.substring(1);
      }
      if (pattern.isEmpty()) {
        return null;
      }
      List<Segment> segments = PatternCompiler.compile(pattern);
      if (segments == null) {
        return null;
      }
      if (!anchored) {
        Segment only = segments.get(0);
        segments = List.of(only instanceof AnyComponents ? AnyName.INSTANCE : only);
      } else if (segments.size() > 1 && segments.getLast() instanceof AnyComponents) {
        // A trailing "/**" needs at least one component below its parent.
        segments.add(segments.size() - 1, AnyName.INSTANCE);
      }
      return new Rule(source, negated, directoryOnly, !anchored, segments.toArray(new Segment[0]));
    }

    /** Drops trailing spaces that are not escaped with a backslash. */
    private static String trimTrailingSpaces(String line) {
      int end = line.length();
      while (end > 0 && line.charAt(end - 1) == ' ') {
        int backslashes = 0;
        while (end - 2 - backslashes >= 0 && line.charAt(end - 2 - backslashes) == '\\') {
          backslashes++;
        }
        if (backslashes % 2 == 1) {
          break;
        }
        end--;
      }
      return line.substring(0, end);
    }

    /** Whether the rule matches {@code path[start, end)}, the path below the rule's directory. */
    boolean matches(String path, int start, int end, boolean directory) {
      if (directoryOnly && !directory) {
        return false;
      }
      if (lastComponentOnly) {
        return segments[0].matches(path, path.lastIndexOf('/', end - 1) + 1, end);
      }
      return matchesComponents(path, start, end);
    }

    /**
     * Matches the segments against the components of {@code path[start, end)}, where each {@code
     * **} stands for zero or more components and every other segment for exactly one: the classic
     * wildcard walk that backtracks only to the latest {@code **}.
     */
    private boolean matchesComponents(String path, int start, int end) {
      int segment = 0;
      int position = start;
      int starSegment = -1;
      int starPosition = start;
      while (position <= end) {
        int componentEnd = componentEnd(path, position, end);
        if (segment < segments.length) {
          Segment current = segments[segment];
          if (current instanceof AnyComponents) {
            starSegment = segment++;
            starPosition = position;
            continue;
          }
          if (current.matches(path, position, componentEnd)) {
            segment++;
            position = componentEnd + 1;
            continue;
          }
        }
        if (starSegment < 0) {
          return false;
        }
        segment = starSegment + 1;
        starPosition = componentEnd(path, starPosition, end) + 1;
        position = starPosition;
      }
      while (segment < segments.length && segments[segment] instanceof AnyComponents) {
        segment++;
      }
      return segment == segments.length;
    }

    private static int componentEnd(String path, int start, int end) {
      int slash = path.indexOf('/', start);
      return slash < 0 || slash > end ? end : slash;
    }
  }

  /** Matches one path component, {@code text[start, end)}, against one component of a pattern. */
  private sealed interface Segment permits AnyComponents, AnyName, Exact, Prefix, Suffix, Glob {
    boolean matches(String text, int start, int end);
  }

  /** {@code **} between slashes: zero or more whole components, handled by the rule's walk. */
  private enum AnyComponents implements Segment {
    INSTANCE;

    @Override
    public boolean matches(String text, int start, int end) {
      return true;
    }
  }

  /** {@code *}: any one component. */
  private enum AnyName implements Segment {
    INSTANCE;

    @Override
    public boolean matches(String text, int start, int end) {
      return true;
    }
  }

  private record Exact(String name) implements Segment {
    @Override
    public boolean matches(String text, int start, int end) {
      return end - start == name.length() && text.regionMatches(start, name, 0, name.length());
    }
  }

  /** {@code literal*} */
  private record Prefix(String prefix) implements Segment {
    @Override
    public boolean matches(String text, int start, int end) {
      return end - start >= prefix.length()
          && text.regionMatches(start, prefix, 0, prefix.length());
    }
  }

  /** {@code *literal}, such as {@code *.log} */
  private record Suffix(String suffix) implements Segment {
    @Override
    public boolean matches(String text, int start, int end) {
      return end - start >= suffix.length()
          && text.regionMatches(end - suffix.length(), suffix, 0, suffix.length());
    }
  }

  /** Any other component pattern, as tokens; consecutive stars are collapsed into one. */
  private static final class Glob implements Segment {
    private final Token[] tokens;

    Glob(List<Token> tokens) {
      this.tokens = tokens.toArray(new Token[0]);
    }

    /** The classic wildcard walk over code points, backtracking only to the latest star. */
    @Override
    public boolean matches(String text, int start, int end) {
      int token = 0;
      int position = start;
      int starToken = -1;
      int starPosition = start;
      while (position < end) {
        if (token < tokens.length) {
          Token current = tokens[token];
          if (current instanceof Star) {
            starToken = token++;
            starPosition = position;
            continue;
          }
          int codePoint = text.codePointAt(position);
          if (current.matches(codePoint)) {
            token++;
            position += Character.charCount(codePoint);
            continue;
          }
        }
        if (starToken < 0) {
          return false;
        }
        token = starToken + 1;
        starPosition += Character.charCount(text.codePointAt(starPosition));
        position = starPosition;
      }
      while (token < tokens.length && tokens[token] instanceof Star) {
        token++;
      }
      return token == tokens.length;
    }
  }

  /** One element of a {@link Glob}. */
  private sealed interface Token permits Literal, AnyChar, Star, CharSet {
    boolean matches(int codePoint);
  }

  private record Literal(int codePoint) implements Token {
    @Override
    public boolean matches(int other) {
      return codePoint == other;
    }
  }

  /** {@code ?} */
  private enum AnyChar implements Token {
    INSTANCE;

    @Override
    public boolean matches(int codePoint) {
      return true;
    }
  }

  /** {@code *}, which the glob walk handles itself. */
  private enum Star implements Token {
    INSTANCE;

    @Override
    public boolean matches(int codePoint) {
      return false;
    }
  }

  /** {@code [...]}: inclusive code point ranges (a single character is a range of one). */
  private static final class CharSet implements Token {
    private final boolean negated;
    private final int[] ranges;
    private final PosixClass[] classes;

    CharSet(boolean negated, List<Integer> ranges, List<PosixClass> classes) {
      this.negated = negated;
      this.ranges = ranges.stream().mapToInt(Integer::intValue).toArray();
      this.classes = classes.toArray(new PosixClass[0]);
    }

    @Override
    public boolean matches(int codePoint) {
      return contains(codePoint) != negated;
    }

    private boolean contains(int codePoint) {
      for (int i = 0; i < ranges.length; i += 2) {
        if (codePoint >= ranges[i] && codePoint <= ranges[i + 1]) {
          return true;
        }
      }
      for (PosixClass c : classes) {
        if (c.contains(codePoint)) {
          return true;
        }
      }
      return false;
    }
  }

  /** The POSIX character classes of the C locale, such as {@code [:digit:]}: ASCII only. */
  private enum PosixClass {
    ALNUM,
    ALPHA,
    BLANK,
    CNTRL,
    DIGIT,
    GRAPH,
    LOWER,
    PRINT,
    PUNCT,
    SPACE,
    UPPER,
    XDIGIT;

    static @Nullable PosixClass named(String name) {
      for (PosixClass c : values()) {
        if (c.name().toLowerCase(Locale.ROOT).equals(name)) {
          return c;
        }
      }
      return null;
    }

    boolean contains(int c) {
      return switch (this) {
        case ALNUM -> ALPHA.contains(c) || DIGIT.contains(c);
        case ALPHA -> LOWER.contains(c) || UPPER.contains(c);
        case BLANK -> c == ' ' || c == '\t';
        case CNTRL -> c < 0x20 || c == 0x7f;
        case DIGIT -> c >= '0' && c <= '9';
        case GRAPH -> c > ' ' && c < 0x7f;
        case LOWER -> c >= 'a' && c <= 'z';
        case PRINT -> c >= ' ' && c < 0x7f;
        case PUNCT -> GRAPH.contains(c) && !ALNUM.contains(c);
        case SPACE -> c == ' ' || (c >= '\t' && c <= '\r');
        case UPPER -> c >= 'A' && c <= 'Z';
        case XDIGIT -> DIGIT.contains(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      };
    }
  }

  /**
   * Compiles a pattern (without its '!', leading and trailing '/') into one segment a component.
   */
  private static final class PatternCompiler {
    private final String pattern;
    private int position;

    private PatternCompiler(String pattern) {
      this.pattern = pattern;
    }

    /** The segments, mutable; null if the pattern is malformed and so matches nothing. */
    static @Nullable List<Segment> compile(String pattern) {
      return new PatternCompiler(pattern).segments();
    }

    private @Nullable List<Segment> segments() {
      List<Segment> segments = new ArrayList<>();
      List<Token> tokens = new ArrayList<>();
      boolean onlyStars = true;
      while (true) {
        if (atSeparator()) {
          segments.add(onlyStars && tokens.size() >= 2 ? AnyComponents.INSTANCE : segment(tokens));
          if (position == pattern.length()) {
            return segments;
          }
          position += pattern.charAt(position) == '\\' ? 2 : 1;
          tokens.clear();
          onlyStars = true;
          continue;
        }
        int c = pattern.codePointAt(position);
        position += Character.charCount(c);
        Token token;
        switch (c) {
          case '*' -> token = Star.INSTANCE;
          case '?' -> token = AnyChar.INSTANCE;
          case '[' -> {
            CharSet set = charSet();
            if (set == null) {
              return null;
            }
            token = set;
          }
          case '\\' -> {
            if (position == pattern.length()) {
              return null;
            }
            int escaped = pattern.codePointAt(position);
            position += Character.charCount(escaped);
            token = new Literal(escaped);
          }
          default -> token = new Literal(c);
        }
        onlyStars &= token == Star.INSTANCE;
        tokens.add(token);
      }
    }

    /** At the end of the pattern or at a '/' (escaped or not: "\/" matches a '/' too). */
    private boolean atSeparator() {
      if (position == pattern.length() || pattern.charAt(position) == '/') {
        return true;
      }
      return pattern.charAt(position) == '\\'
          && position + 1 < pattern.length()
          && pattern.charAt(position + 1) == '/';
    }

    /** The cheapest segment for the tokens of one component of a pattern. */
    private static Segment segment(List<Token> tokens) {
      List<Token> collapsed = new ArrayList<>();
      for (Token token : tokens) {
        if (token != Star.INSTANCE || collapsed.isEmpty() || collapsed.getLast() != Star.INSTANCE) {
          collapsed.add(token);
        }
      }
      int stars = 0;
      boolean onlyLiteralsOrStars = true;
      for (Token token : collapsed) {
        if (token == Star.INSTANCE) {
          stars++;
        } else if (!(token instanceof Literal)) {
          onlyLiteralsOrStars = false;
        }
      }
      int size = collapsed.size();
      if (onlyLiteralsOrStars && stars == 0) {
        return new Exact(literal(collapsed, 0, size));
      }
      if (onlyLiteralsOrStars && stars == 1 && size == 1) {
        return AnyName.INSTANCE;
      }
      if (onlyLiteralsOrStars && stars == 1 && collapsed.getFirst() == Star.INSTANCE) {
        return new Suffix(literal(collapsed, 1, size));
      }
      if (onlyLiteralsOrStars && stars == 1 && collapsed.getLast() == Star.INSTANCE) {
        return new Prefix(literal(collapsed, 0, size - 1));
      }
      return new Glob(collapsed);
    }

    private static String literal(List<Token> tokens, int from, int to) {
      StringBuilder out = new StringBuilder();
      for (Token token : tokens.subList(from, to)) {
        out.appendCodePoint(((Literal) token).codePoint());
      }
      return out.toString();
    }

    /**
     * Parses a set after its '[': an optional '!' or '^', then single characters, ranges {@code
     * a-z}, classes {@code [:name:]} and escapes up to the closing ']' (a ']' right at the start is
     * a member). Null if the set is not closed, ends in a lone backslash or names an unknown class.
     */
    private @Nullable CharSet charSet() {
      boolean negated = false;
      if (position < pattern.length()
          && (pattern.charAt(position) == '!' || pattern.charAt(position) == '^')) {
        negated = true;
        position++;
      }
      List<Integer> ranges = new ArrayList<>();
      List<PosixClass> classes = new ArrayList<>();
      int previous = -1;
      boolean first = true;
      while (true) {
        if (position >= pattern.length()) {
          return null;
        }
        int c = pattern.codePointAt(position);
        if (c == ']' && !first) {
          position++;
          return new CharSet(negated, ranges, classes);
        }
        first = false;
        if (c == '[' && pattern.startsWith(":", position + 1)) {
          int nameStart = position + 2;
          int close = pattern.indexOf(']', nameStart);
          if (close < 0) {
            return null;
          }
          if (close - 1 >= nameStart && pattern.charAt(close - 1) == ':') {
            PosixClass named = PosixClass.named(pattern.substring(nameStart, close - 1));
            if (named == null) {
              return null;
            }
            classes.add(named);
            position = close + 1;
            previous = -1;
            continue;
          }
          // Not a class after all: the '[' is a member like any other.
        }
        if (c == '-'
            && previous >= 0
            && position + 1 < pattern.length()
            && pattern.charAt(position + 1) != ']') {
          position++;
          int last = escapable();
          if (last < 0) {
            return null;
          }
          ranges.add(previous);
          ranges.add(last);
          previous = -1;
          continue;
        }
        int single = escapable();
        if (single < 0) {
          return null;
        }
        ranges.add(single);
        ranges.add(single);
        previous = single;
      }
    }

    /** Consumes one possibly escaped character of a set; -1 for a lone backslash at the end. */
    private int escapable() {
      int c = pattern.codePointAt(position);
      position += Character.charCount(c);
      if (c != '\\') {
        return c;
      }
      if (position == pattern.length()) {
        return -1;
      }
      int escaped = pattern.codePointAt(position);
      position += Character.charCount(escaped);
      return escaped;
    }
  }
}
