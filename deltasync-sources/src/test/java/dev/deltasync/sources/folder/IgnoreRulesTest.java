package dev.deltasync.sources.folder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rules of gitignore's "PATTERN FORMAT", one table each. A row is: the rule file's text, a
 * path, whether that path is a directory, and whether it is ignored.
 */
class IgnoreRulesTest {
  private static final String NAME = "[{index}] rules <{0}>, {1} {2}: ignored {3}";

  static Arguments ignoredFile(String rules, String path) {
    return arguments(rules, path, "file", true);
  }

  static Arguments keptFile(String rules, String path) {
    return arguments(rules, path, "file", false);
  }

  static Arguments ignoredDir(String rules, String path) {
    return arguments(rules, path, "dir", true);
  }

  static Arguments keptDir(String rules, String path) {
    return arguments(rules, path, "dir", false);
  }

  private static void check(String rules, String path, String kind, boolean ignored) {
    assertThat(IgnoreRules.parse(rules).ignores(path, kind.equals("dir")))
        .as("rules <%s> on %s %s", rules, kind, path)
        .isEqualTo(ignored);
  }

  static Stream<Arguments> blankLinesAndCommentsAreSkipped() {
    return Stream.of(
        keptFile("\n\n   \n", "x"),
        keptFile("#foo", "#foo"),
        keptFile("# foo\n", "# foo"),
        ignoredFile("# a comment\n\nfoo\n", "foo"),
        ignoredFile(" #foo", " #foo"));
  }

  @ParameterizedTest(name = NAME)
  @MethodSource
  void blankLinesAndCommentsAreSkipped(String rules, String path, String kind, boolean ignored) {
    check(rules, path, kind, ignored);
  }

  static Stream<Arguments> backslashEscapesHashBangAndOtherCharacters() {
    return Stream.of(
        ignoredFile("\\#file", "#file"),
        ignoredFile("\\#file", "a/#file"),
        keptFile("\\#file", "file"),
        ignoredFile("\\!bang", "!bang"),
        keptFile("\\!bang", "bang"),
        keptFile("bang\n\\!bang", "x"),
        ignoredFile("bang\n\\!bang", "bang"),
        ignoredFile("\\!important!.txt", "!important!.txt"),
        ignoredFile("\\*", "*"),
        keptFile("\\*", "a"),
        ignoredFile("\\?", "?"),
        keptFile("\\?", "a"),
        ignoredFile("\\[a]", "[a]"),
        keptFile("\\[a]", "a"),
        ignoredFile("a\\b", "ab"),
        ignoredFile("a\\/b", "a/b"),
        keptFile("a\\/b", "x/a/b"),
        keptFile("foo\\", "foo"),
        keptFile("foo\\", "foo\\"));
  }

  @ParameterizedTest(name = NAME)
  @MethodSource
  void backslashEscapesHashBangAndOtherCharacters(
      String rules, String path, String kind, boolean ignored) {
    check(rules, path, kind, ignored);
  }

  static Stream<Arguments> trailingSpacesAreTrimmedUnlessEscaped() {
    return Stream.of(
        ignoredFile("foo.txt   ", "foo.txt"),
        keptFile("foo.txt   ", "foo.txt   "),
        ignoredFile("foo\\ ", "foo "),
        keptFile("foo\\ ", "foo"),
        ignoredFile("foo\\  ", "foo "),
        keptFile("foo\\  ", "foo  "),
        ignoredFile("foo \\ ", "foo  "),
        ignoredFile("foo\\\\ ", "foo\\"),
        ignoredFile("foo\t", "foo\t"),
        keptFile("foo\t", "foo"),
        ignoredFile("  foo", "  foo"),
        keptFile("  foo", "foo"));
  }

  @ParameterizedTest(name = NAME)
  @MethodSource
  void trailingSpacesAreTrimmedUnlessEscaped(
      String rules, String path, String kind, boolean ignored) {
    check(rules, path, kind, ignored);
  }

  static Stream<Arguments> negationReincludesAndTheLastMatchingRuleWins() {
    return Stream.of(
        ignoredFile("*.log\n!important.log", "debug.log"),
        keptFile("*.log\n!important.log", "important.log"),
        keptFile("*.log\n!important.log", "logs/important.log"),
        ignoredFile("!important.log\n*.log", "important.log"),
        keptFile("!important.log", "important.log"),
        ignoredFile("*.log\n!important.log\nimportant.log", "important.log"),
        keptDir("build/\n!build/", "build"),
        keptFile("!", "!"),
        ignoredFile("!\n*", "x"));
  }

  @ParameterizedTest(name = NAME)
  @MethodSource
  void negationReincludesAndTheLastMatchingRuleWins(
      String rules, String path, String kind, boolean ignored) {
    check(rules, path, kind, ignored);
  }

  static Stream<Arguments> nothingInsideAnExcludedDirectoryIsIncludedAgain() {
    return Stream.of(
        ignoredFile("build/\n!build/keep.txt", "build/keep.txt"),
        ignoredFile("build/\n!keep.txt", "build/keep.txt"),
        ignoredFile("build\n!build/sub/\n!build/sub/keep.txt", "build/sub/keep.txt"),
        // Excluding the contents rather than the directory leaves room to include some again.
        keptFile("build/*\n!build/keep.txt", "build/keep.txt"),
        ignoredFile("build/*\n!build/keep.txt", "build/other.txt"),
        keptDir("build/*\n!build/keep.txt", "build"),
        // The example of the gitignore documentation: everything but foo/bar.
        ignoredFile("/*\n!/foo\n/foo/*\n!/foo/bar", "top.txt"),
        keptDir("/*\n!/foo\n/foo/*\n!/foo/bar", "foo"),
        ignoredFile("/*\n!/foo\n/foo/*\n!/foo/bar", "foo/baz"),
        keptFile("/*\n!/foo\n/foo/*\n!/foo/bar", "foo/bar"),
        keptFile("/*\n!/foo\n/foo/*\n!/foo/bar", "foo/bar/deep/x.c"));
  }

  @ParameterizedTest(name = NAME)
  @MethodSource
  void nothingInsideAnExcludedDirectoryIsIncludedAgain(
      String rules, String path, String kind, boolean ignored) {
    check(rules, path, kind, ignored);
  }

  static Stream<Arguments> slashAtStartOrInTheMiddleAnchorsToTheRoot() {
    return Stream.of(
        ignoredFile("/foo", "foo"),
        ignoredDir("/foo", "foo"),
        ignoredFile("/foo", "foo/x"),
        keptFile("/foo", "a/foo"),
        ignoredFile("doc/frotz", "doc/frotz"),
        ignoredFile("doc/frotz", "doc/frotz/x"),
        keptFile("doc/frotz", "a/doc/frotz"),
        keptFile("doc/frotz", "doc"),
        ignoredDir("doc/frotz/", "doc/frotz"),
        keptDir("doc/frotz/", "a/doc/frotz"),
        keptFile("doc/frotz/", "doc/frotz"),
        ignoredFile("/hello.*", "hello.txt"),
        ignoredFile("/hello.*", "hello.c"),
        keptFile("/hello.*", "a/hello.java"),
        ignoredFile("hello.*", "a/hello.java"),
        ignoredFile("/a/b", "a/b"),
        keptFile("/a/b", "x/a/b"));
  }

  @ParameterizedTest(name = NAME)
  @MethodSource
  void slashAtStartOrInTheMiddleAnchorsToTheRoot(
      String rules, String path, String kind, boolean ignored) {
    check(rules, path, kind, ignored);
  }

  static Stream<Arguments> patternWithoutSlashMatchesANameAtAnyDepth() {
    return Stream.of(
        ignoredFile("*.log", "x.log"),
        ignoredFile("*.log", "a/b/x.log"),
        ignoredFile("*.log", ".log"),
        ignoredDir("*.log", "a/old.log"),
        ignoredFile("*.log", "a/old.log/inside.txt"),
        keptFile("*.log", "x.log.txt"),
        keptFile("*.log", "log"),
        ignoredFile("foo", "foo"),
        ignoredDir("foo", "a/b/foo"),
        ignoredFile("foo", "a/foo/x"),
        keptFile("foo", "foobar"),
        keptFile("foo", "a/foo.c"),
        keptFile("foo", "a/xfoo"),
        ignoredFile("*", ".hidden"),
        ignoredFile("*", "a/b/c"));
  }

  @ParameterizedTest(name = NAME)
  @MethodSource
  void patternWithoutSlashMatchesANameAtAnyDepth(
      String rules, String path, String kind, boolean ignored) {
    check(rules, path, kind, ignored);
  }

  static Stream<Arguments> trailingSlashMatchesOnlyDirectories() {
    return Stream.of(
        ignoredDir("foo/", "foo"),
        ignoredDir("foo/", "a/b/foo"),
        keptFile("foo/", "foo"),
        keptFile("foo/", "a/foo"),
        ignoredFile("foo/", "foo/bar.txt"),
        ignoredFile("foo/", "a/foo/b/bar.txt"),
        ignoredDir("*/", "a"),
        keptFile("*/", "a"),
        ignoredFile("*/", "a/b"),
        ignoredDir("**/", "a"),
        keptFile("**/", "a"));
  }

  @ParameterizedTest(name = NAME)
  @MethodSource
  void trailingSlashMatchesOnlyDirectories(
      String rules, String path, String kind, boolean ignored) {
    check(rules, path, kind, ignored);
  }

  static Stream<Arguments> asteriskMatchesAnythingButASlash() {
    return Stream.of(
        ignoredFile("foo/*", "foo/test.json"),
        ignoredDir("foo/*", "foo/bar"),
        keptDir("foo/*", "foo"),
        // "foo/*" does not match foo/bar/hello.c itself: only through its parent foo/bar.
        ignoredFile("foo/*", "foo/bar/hello.c"),
        keptFile("foo/*\n!foo/bar", "foo/bar/hello.c"),
        keptFile("a/*.c", "a/b/x.c"),
        ignoredFile("a/*.c", "a/x.c"),
        ignoredFile("foo*bar", "foobar"),
        ignoredFile("foo*bar", "foo-and-bar"),
        keptFile("foo*bar", "foo/bar"),
        ignoredFile("a*b*c", "axxbyyc"),
        keptFile("a*b*c", "axxbyy"),
        ignoredFile("*a*", "banana"),
        ignoredFile("a/*/c", "a/b/c"),
        keptFile("a/*/c", "a/c"),
        keptFile("a/*/c", "a/b/b/c"));
  }

  @ParameterizedTest(name = NAME)
  @MethodSource
  void asteriskMatchesAnythingButASlash(String rules, String path, String kind, boolean ignored) {
    check(rules, path, kind, ignored);
  }

  static Stream<Arguments> questionMarkMatchesOneCharacterButASlash() {
    return Stream.of(
        ignoredFile("?.txt", "a.txt"),
        ignoredFile("?.txt", "é.txt"),
        ignoredFile("?.txt", "\uD834\uDD1E.txt"),
        keptFile("?.txt", "ab.txt"),
        keptFile("?.txt", ".txt"),
        ignoredFile("x/a?b", "x/a-b"),
        keptFile("x/a?b", "x/a/b"),
        ignoredFile("??", "ab"),
        keptFile("??", "a"));
  }

  @ParameterizedTest(name = NAME)
  @MethodSource
  void questionMarkMatchesOneCharacterButASlash(
      String rules, String path, String kind, boolean ignored) {
    check(rules, path, kind, ignored);
  }

  static Stream<Arguments> bracketsMatchOneCharacterOfASet() {
    return Stream.of(
        ignoredFile("[a-c].txt", "a.txt"),
        ignoredFile("[a-c].txt", "c.txt"),
        keptFile("[a-c].txt", "d.txt"),
        keptFile("[a-c].txt", "ab.txt"),
        ignoredFile("[abc]", "b"),
        keptFile("[abc]", "d"),
        ignoredFile("[a-zA-Z]x", "Qx"),
        ignoredFile("[!a-c].txt", "d.txt"),
        keptFile("[!a-c].txt", "a.txt"),
        ignoredFile("[^a-c].txt", "d.txt"),
        keptFile("[^a-c].txt", "b.txt"),
        ignoredFile("file[0-9][0-9].log", "file42.log"),
        keptFile("file[0-9][0-9].log", "file4.log"),
        ignoredFile("[]]x", "]x"),
        ignoredFile("[!]]x", "ax"),
        keptFile("[!]]x", "]x"),
        ignoredFile("[a-]", "-"),
        ignoredFile("[-a]", "-"),
        keptFile("[a-]", "b"),
        ignoredFile("[\\]]", "]"),
        ignoredFile("[[:digit:]]x", "7x"),
        keptFile("[[:digit:]]x", "ax"),
        ignoredFile("[[:upper:][:digit:]]", "Q"),
        ignoredFile("[!/]", "a"),
        ignoredFile("[é]", "é"),
        keptFile("x/[/]y", "x/y"),
        // Malformed sets match nothing.
        keptFile("[abc", "[abc"),
        keptFile("[abc", "a"),
        keptFile("[[:nosuchclass:]]", "a"));
  }

  @ParameterizedTest(name = NAME)
  @MethodSource
  void bracketsMatchOneCharacterOfASet(String rules, String path, String kind, boolean ignored) {
    check(rules, path, kind, ignored);
  }

  static Stream<Arguments> leadingDoubleStarMatchesInAllDirectories() {
    return Stream.of(
        ignoredFile("**/foo", "foo"),
        ignoredFile("**/foo", "a/foo"),
        ignoredDir("**/foo", "a/b/foo"),
        ignoredFile("**/foo", "foo/x"),
        keptFile("**/foo", "a/xfoo"),
        keptFile("**/foo", "foox"),
        ignoredFile("**/foo/bar", "foo/bar"),
        ignoredFile("**/foo/bar", "a/b/foo/bar"),
        keptFile("**/foo/bar", "a/foo/x/bar"),
        keptFile("**/foo/bar", "foo"),
        ignoredFile("/**/foo", "a/foo"));
  }

  @ParameterizedTest(name = NAME)
  @MethodSource
  void leadingDoubleStarMatchesInAllDirectories(
      String rules, String path, String kind, boolean ignored) {
    check(rules, path, kind, ignored);
  }

  static Stream<Arguments> trailingDoubleStarMatchesEverythingInside() {
    return Stream.of(
        ignoredFile("abc/**", "abc/x"),
        ignoredFile("abc/**", "abc/x/y/z"),
        ignoredDir("abc/**", "abc/x"),
        keptDir("abc/**", "abc"),
        keptFile("abc/**", "abc"),
        keptFile("abc/**", "x/abc/y"),
        keptFile("abc/**", "abcd/x"),
        ignoredFile("abc/**/", "abc/x/y"),
        ignoredDir("abc/**/", "abc/x"),
        keptFile("abc/**/", "abc/x"),
        ignoredFile("**", "a"),
        ignoredFile("**", "a/b/c"),
        ignoredFile("/**", "a/b"));
  }

  @ParameterizedTest(name = NAME)
  @MethodSource
  void trailingDoubleStarMatchesEverythingInside(
      String rules, String path, String kind, boolean ignored) {
    check(rules, path, kind, ignored);
  }

  static Stream<Arguments> doubleStarBetweenSlashesMatchesZeroOrMoreDirectories() {
    return Stream.of(
        ignoredFile("a/**/b", "a/b"),
        ignoredFile("a/**/b", "a/x/b"),
        ignoredFile("a/**/b", "a/x/y/b"),
        ignoredDir("a/**/b", "a/x/y/b"),
        keptFile("a/**/b", "a/xb"),
        keptFile("a/**/b", "ab"),
        keptFile("a/**/b", "x/a/b"),
        keptFile("a/**/b", "a/x/c"),
        keptFile("a/**/b", "a"),
        ignoredFile("a/**/b/**/c", "a/x/b/y/z/c"),
        ignoredFile("a/**/b/**/c", "a/b/c"),
        keptFile("a/**/b/**/c", "a/b/x/d"),
        ignoredFile("a/**/**/b", "a/b"),
        ignoredFile("a/**/x*/b", "a/1/2/xyz/b"),
        keptFile("a/**/x*/b", "a/1/2/yz/b"));
  }

  @ParameterizedTest(name = NAME)
  @MethodSource
  void doubleStarBetweenSlashesMatchesZeroOrMoreDirectories(
      String rules, String path, String kind, boolean ignored) {
    check(rules, path, kind, ignored);
  }

  static Stream<Arguments> otherConsecutiveAsterisksAreOneAsterisk() {
    return Stream.of(
        ignoredFile("foo**bar", "fooXbar"),
        keptFile("foo**bar", "foo/bar"),
        ignoredFile("a/**b", "a/xb"),
        keptFile("a/**b", "a/x/b"),
        ignoredFile("a/b**", "a/bcd"),
        keptFile("a/b**", "a/ab"),
        ignoredFile("***.log", "x.log"),
        // As documented; git's implementation (2.39) ignores this path.
        keptFile("/x**/b", "xa/c/b"),
        keptFile("\\*\\*/foo", "a/foo"),
        ignoredFile("\\*\\*/foo", "**/foo"));
  }

  @ParameterizedTest(name = NAME)
  @MethodSource
  void otherConsecutiveAsterisksAreOneAsterisk(
      String rules, String path, String kind, boolean ignored) {
    check(rules, path, kind, ignored);
  }

  static Stream<Arguments> windowsLineEndsAndAByteOrderMarkAreAccepted() {
    return Stream.of(
        ignoredFile("# comment\r\n*.log\r\n!keep.log\r\n", "x.log"),
        keptFile("# comment\r\n*.log\r\n!keep.log\r\n", "keep.log"),
        ignoredFile("foo  \r\nbar\r\n", "foo"),
        ignoredDir("build/\r\n", "build"),
        ignoredFile("\uFEFF*.tmp\n", "a.tmp"),
        keptFile("\uFEFF#c\n", "#c"));
  }

  @ParameterizedTest(name = NAME)
  @MethodSource
  void windowsLineEndsAndAByteOrderMarkAreAccepted(
      String rules, String path, String kind, boolean ignored) {
    check(rules, path, kind, ignored);
  }

  @Test
  void noneIgnoresNothing() {
    assertThat(IgnoreRules.none().ignores("anything/at/all", false)).isFalse();
    assertThat(IgnoreRules.parse("").ignores("x", true)).isFalse();
  }

  @Test
  void aMissingFileMeansNoRules(@TempDir Path root) throws IOException {
    IgnoreRules rules = IgnoreRules.none().withFileIn("", root);

    assertThat(rules.ignores("x.log", false)).isFalse();
    assertThat(rules.ignores("build", true)).isFalse();
  }

  @Test
  void theRootFileIsReadWithWindowsLineEnds(@TempDir Path root) throws IOException {
    Files.writeString(
        root.resolve(".deltasyncignore"),
        "# caches\r\n*.log\r\n!keep.log\r\nbuild/\r\nnäme.txt\r\n",
        StandardCharsets.UTF_8);

    IgnoreRules rules = IgnoreRules.none().withFileIn("", root);

    assertThat(rules.ignores("a/x.log", false)).isTrue();
    assertThat(rules.ignores("keep.log", false)).isFalse();
    assertThat(rules.ignores("build", true)).isTrue();
    assertThat(rules.ignores("build/keep.log", false)).isTrue();
    assertThat(rules.ignores("näme.txt", false)).isTrue();
    assertThat(rules.ignores("src/Main.java", false)).isFalse();
  }

  @Test
  void aRuleFileThatIsASymbolicLinkIsNotRead(@TempDir Path root) throws IOException {
    Files.writeString(root.resolve("elsewhere"), "*\n", StandardCharsets.UTF_8);
    Files.createSymbolicLink(root.resolve(".deltasyncignore"), Path.of("elsewhere"));

    assertThat(IgnoreRules.none().withFileIn("", root).ignores("x", false)).isFalse();
  }

  @Test
  void aRuleFileThatIsNotUtf8IsReportedWithItsPath(@TempDir Path root) throws IOException {
    Files.write(root.resolve(".deltasyncignore"), new byte[] {'*', '.', (byte) 0xff, '\n'});

    assertThatThrownBy(() -> IgnoreRules.none().withFileIn("", root))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(".deltasyncignore is not valid UTF-8");
  }

  @Test
  void ruleFilesThemselvesAreAlwaysIgnored() {
    assertThat(IgnoreRules.none().ignores(".deltasyncignore", false)).isTrue();
    assertThat(IgnoreRules.none().ignores("a/b/.deltasyncignore", false)).isTrue();
    assertThat(IgnoreRules.parse("!.deltasyncignore\n").ignores(".deltasyncignore", false))
        .as("no rule brings them back")
        .isTrue();
    assertThat(IgnoreRules.none().ignores("a/.deltasyncignore.txt", false)).isFalse();
  }

  /** Rules of several files: the root's, then {@code directory}'s {@code text}, and so on. */
  private static IgnoreRules nested(String rootText, String... directoryAndText) {
    IgnoreRules rules = IgnoreRules.parse(rootText);
    for (int i = 0; i < directoryAndText.length; i += 2) {
      rules = rules.with(directoryAndText[i], directoryAndText[i + 1]);
    }
    return rules;
  }

  @Test
  void patternsOfANestedFileAreRelativeToItsDirectory() {
    IgnoreRules rules = nested("", "src", "/TODO\nbuild/\ngen/*.java\n*.o\n");

    assertThat(rules.ignores("src/TODO", false)).isTrue();
    assertThat(rules.ignores("TODO", false)).as("anchored at src").isFalse();
    assertThat(rules.ignores("src/a/TODO", false)).isFalse();
    assertThat(rules.ignores("src/build", true)).isTrue();
    assertThat(rules.ignores("src/a/build/x", false)).isTrue();
    assertThat(rules.ignores("build", true)).as("not above its directory").isFalse();
    assertThat(rules.ignores("src/gen/A.java", false)).isTrue();
    assertThat(rules.ignores("gen/A.java", false)).isFalse();
    assertThat(rules.ignores("src/a/gen/A.java", false)).isFalse();
    assertThat(rules.ignores("src/x/y/z.o", false)).isTrue();
    assertThat(rules.ignores("z.o", false)).isFalse();
    assertThat(rules.ignores("srcx/z.o", false)).as("a sibling with a longer name").isFalse();
  }

  @Test
  void aDeeperFileTakesPrecedence() {
    IgnoreRules rules = nested("*.log\n", "sub", "!keep.log\n", "sub/deeper", "keep.log\n");

    assertThat(rules.ignores("keep.log", false)).isTrue();
    assertThat(rules.ignores("sub/keep.log", false)).isFalse();
    assertThat(rules.ignores("sub/a/keep.log", false)).isFalse();
    assertThat(rules.ignores("sub/other.log", false)).as("the root's rule still applies").isTrue();
    assertThat(rules.ignores("sub/deeper/keep.log", false)).isTrue();
    assertThat(rules.ignores("sub/deeper/x/keep.log", false)).isTrue();
  }

  @Test
  void aNestedFileCannotIncludeWhatIsInsideAnExcludedDirectory() {
    IgnoreRules rules = nested("build/\n", "build", "!*\n", "a", "!/b/x\n");

    assertThat(rules.ignores("build/x", false)).isTrue();
    assertThat(rules.ignores("a/b", true)).isFalse();
    IgnoreRules excludingB = nested("", "a", "b/\n!b/x\n");
    assertThat(excludingB.ignores("a/b/x", false)).isTrue();
  }

  @Test
  void aNestedFileCanExcludeWhatTheRootIncludes() {
    IgnoreRules rules = nested("*.tmp\n!important.tmp\n", "cache", "*\n!README\n");

    assertThat(rules.ignores("important.tmp", false)).isFalse();
    assertThat(rules.ignores("cache/important.tmp", false)).isTrue();
    assertThat(rules.ignores("cache/README", false)).isFalse();
    assertThat(rules.ignores("cache/sub", true)).isTrue();
    assertThat(rules.ignores("cache/sub/README", false)).as("its parent is excluded").isTrue();
  }

  @Test
  void aDirectoryReadAgainReplacesItsRules() {
    IgnoreRules rules = nested("", "sub", "*.o\n", "sub", "*.a\n");

    assertThat(rules.ignores("sub/x.o", false)).isFalse();
    assertThat(rules.ignores("sub/x.a", false)).isTrue();
    assertThat(nested("", "sub", "*.o\n", "sub", "").ignores("sub/x.o", false)).isFalse();
  }

  @Test
  void nestedFilesAreReadFromTheirDirectory(@TempDir Path root) throws IOException {
    Files.createDirectories(root.resolve("sub"));
    Files.writeString(root.resolve("sub/.deltasyncignore"), "*.o\n", StandardCharsets.UTF_8);

    IgnoreRules rules =
        IgnoreRules.none().withFileIn("", root).withFileIn("sub", root.resolve("sub"));

    assertThat(rules.ignores("sub/x.o", false)).isTrue();
    assertThat(rules.ignores("x.o", false)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "/abs", "dir/"})
  void malformedPathsAreRefused(String path) {
    assertThatThrownBy(() -> IgnoreRules.parse("*").ignores(path, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("relative");
  }

  @Test
  void toStringListsTheRules() {
    assertThat(IgnoreRules.parse("# c\n*.log  \n!keep.log\n"))
        .hasToString("IgnoreRules[*.log, !keep.log]");
    assertThat(nested("*.log\n", "a/b", "x\ny\n")).hasToString("IgnoreRules[*.log; a/b: x, y]");
  }
}
