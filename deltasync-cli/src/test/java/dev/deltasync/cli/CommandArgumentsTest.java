package dev.deltasync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Mistakes in the arguments of the device commands, in-process: one line, exit code, no trace. */
class CommandArgumentsTest {
  @TempDir Path dir;
  final StringWriter err = new StringWriter();
  final StringWriter out = new StringWriter();

  int run(String... args) {
    CommandLine cli = Main.commandLine(args); // as the command runs: only the subcommand named
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(out, true));
    return cli.execute(args);
  }

  String home() {
    return dir.resolve("home").toString();
  }

  @Test
  void commandsOnAHomeThatHasNotJoinedSaySoAndCreateNothing() {
    for (String[] args :
        new String[][] {{"sync"}, {"status"}, {"conflicts"}, {"log", "docs"}, {"add", "d", "."}}) {
      err.getBuffer().setLength(0);
      String[] all = new String[args.length + 2];
      all[0] = "--home";
      all[1] = home();
      System.arraycopy(args, 0, all, 2, args.length);
      assertThat(run(all)).isEqualTo(1);
      assertThat(err.toString())
          .startsWith(args[0] + ": the home " + home() + " has not joined a store yet")
          .doesNotContain("Exception");
    }
    assertThat(dir.resolve("home")).doesNotExist();
  }

  @Test
  void onlyTheSubcommandNamedIsBuiltAndWithoutOneAllAre() {
    assertThat(Main.subcommandIn(new String[] {"--home", "sync", "status", "--json"}))
        .as("--home's value is not the command")
        .isEqualTo("status");
    assertThat(Main.subcommandIn(new String[] {"--home=/x", "sync", "docs"})).isEqualTo("sync");
    assertThat(Main.subcommandIn(new String[] {"--help"})).isNull();
    assertThat(Main.subcommandIn(new String[] {"snyc"})).isNull();
    assertThat(Main.commandLine(new String[] {"sync", "--json"}).getSubcommands())
        .containsOnlyKeys("sync");
    assertThat(Main.commandLine(new String[] {"--version"}).getSubcommands().keySet())
        .containsExactlyElementsOf(Main.SUBCOMMANDS.keySet());
  }

  @Test
  void theUsageListsEveryCommandAndATypoGetsASuggestion() {
    assertThat(run("--help")).isZero();
    for (String name : Main.SUBCOMMANDS.keySet()) {
      assertThat(out.toString()).contains("  " + name + " ");
    }
    assertThat(run("snyc")).isEqualTo(2);
    assertThat(err.toString()).contains("snyc").contains("sync");
  }

  @Test
  void joiningAServerNeedsTheUser() {
    assertThat(run("--home", home(), "join", "http://127.0.0.1:1")).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "join: joining a server needs the user: give --user NAME" + System.lineSeparator());
    assertThat(dir.resolve("home")).doesNotExist();
  }

  @Test
  void aStoreThatIsNeitherAServerNorAPathIsRefused() {
    assertThat(run("--home", home(), "join", "ftp://example.com/x")).isEqualTo(2);
    assertThat(err.toString()).contains("STORE is http(s)://HOST[:PORT], file:///PATH or a path");
  }

  @Test
  void aBadServerUrlIsRefused() {
    assertThat(run("--home", home(), "join", "http://", "--user", "a")).isEqualTo(2);
    assertThat(err.toString()).startsWith("join: ").doesNotContain("Exception");
  }

  @Test
  void userAddWithoutPasswordAndTerminalIsRefused() throws Exception {
    Path admin = Files.writeString(dir.resolve("admin"), "token\n");
    assertThat(
            run(
                "user",
                "add",
                "alice",
                "--server",
                "http://127.0.0.1:1",
                "--admin-token-file",
                admin.toString()))
        .isEqualTo(2);
    assertThat(err.toString())
        .startsWith(
            "user add: no password for the new user alice: give --password-file FILE or"
                + " set DELTASYNC_PASSWORD");
  }

  @Test
  void missingRequiredOptionsAreUsageErrors() {
    assertThat(run("user", "add", "alice")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required options");
    assertThat(run("log")).isEqualTo(2);
    assertThat(run("sync", "--no-such-option")).isEqualTo(2);
  }

  @Test
  void typesAreFolderVcardOrIcalAndTheirPathsAreChecked() throws Exception {
    Path store = Files.createDirectory(dir.resolve("store"));
    assertThat(run("--home", home(), "join", store.toString(), "--device", "a")).isZero();
    Path text = Files.writeString(dir.resolve("notes.txt"), "not a calendar");
    assertThat(run("--home", home(), "add", "cal", text.toString(), "--type", "ical")).isEqualTo(2);
    assertThat(err.toString()).contains("is not a .ics file or a directory");
    assertThat(
            run(
                "--home",
                home(),
                "add",
                "cal",
                dir.resolve("cal.ics").toString(),
                "--type",
                "ical"))
        .isZero();
    assertThat(
            run(
                "--home",
                home(),
                "add",
                "people",
                dir.resolve("people").toString(),
                "--type",
                "vcard"))
        .isZero();
    assertThat(dir.resolve("people")).isDirectory(); // a vdir, created
    assertThat(dir.resolve("cal.ics")).doesNotExist(); // created by the first sync that writes
    assertThat(run("--home", home(), "add", "docs", dir.resolve("f").toString(), "--type", "zip"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--type is folder");
  }

  @Test
  void aCollectionBoundElsewhereIsNotRebound() throws Exception {
    Path store = Files.createDirectory(dir.resolve("store"));
    assertThat(run("--home", home(), "join", store.toString(), "--device", "a")).isZero();
    assertThat(run("--home", home(), "add", "docs", dir.resolve("f").toString())).isZero();
    assertThat(dir.resolve("f/.deltasync")).exists();
    assertThat(run("--home", home(), "add", "docs", dir.resolve("f").toString())).isZero();
    assertThat(out.toString()).contains("already bound");
    assertThat(run("--home", home(), "add", "docs", dir.resolve("g").toString())).isEqualTo(1);
    assertThat(err.toString()).contains("collection \"docs\" is bound already, as folder");
    assertThat(run("--home", home(), "add", "inner", dir.resolve("f/sub").toString())).isEqualTo(1);
    assertThat(err.toString()).contains("bound folders must not nest");
    assertThat(run("--home", home(), "sync", "other")).isEqualTo(2);
    assertThat(err.toString()).contains("no collection \"other\" is bound on this device");
  }

  @Test
  void aBoundFolderThatIsGoneIsNotRecreated() throws Exception {
    Path store = Files.createDirectory(dir.resolve("store"));
    Path folder = dir.resolve("f");
    assertThat(run("--home", home(), "join", store.toString(), "--device", "a")).isZero();
    assertThat(run("--home", home(), "add", "docs", folder.toString())).isZero();
    Files.delete(folder.resolve(".deltasync"));
    Files.delete(folder);
    assertThat(run("--home", home(), "sync")).isEqualTo(1);
    assertThat(err.toString()).contains("is not there").contains("Nothing was changed");
    assertThat(folder).doesNotExist();
  }
}
