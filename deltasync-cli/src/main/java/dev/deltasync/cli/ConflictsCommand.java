package dev.deltasync.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code deltasync conflicts}: the conflict copies in the bound folders. */
@Command(
    name = "conflicts",
    mixinStandardHelpOptions = true,
    description = {
      "Lists the conflict copies in the bound folders: NAME.conflict-DEVICE-YYYYMMDD-HHMMSS.EXT,"
          + " the version of a file that another device changed at the same time.",
      "To resolve one: keep the version you want under the original name, delete the other file,"
          + " and sync."
    })
final class ConflictsCommand implements Callable<Integer> {
  @Spec CommandSpec spec = CommandSpec.create();

  @ParentCommand @Nullable DeltasyncCommand parent;

  @Override
  public Integer call() throws IOException {
    Home home = parent == null ? Home.resolve(null) : parent.home();
    HomeConfig config = home.config();
    PrintWriter out = spec.commandLine().getOut();
    int count = 0;
    boolean recordCopies = false;
    for (Map.Entry<String, HomeConfig.Binding> entry : config.collections().entrySet()) {
      HomeConfig.Binding binding = entry.getValue();
      List<ConflictCopies.Copy> copies = ConflictCopies.of(home, entry.getKey(), binding);
      boolean records = !binding.type().equals("folder");
      recordCopies |= records && !copies.isEmpty();
      for (ConflictCopies.Copy copy : copies) {
        out.println(
            entry.getKey()
                + ": "
                + (records ? copy.copy() : binding.path().resolve(copy.copy()))
                + "  (a version of "
                + copy.original()
                + " from device "
                + copy.device()
                + ")");
      }
      count += copies.size();
    }
    if (count == 0) {
      out.println("no conflict copies");
      return 0;
    }
    out.println();
    out.println(
        count
            + (count == 1 ? " conflict copy" : " conflict copies")
            + ". To resolve: keep the version you want under the original name (move the copy over"
            + " it, or merge by hand), delete the other file, then run 'deltasync sync'.");
    if (recordCopies) {
      out.println(
          "A contact or event copy (marked "
              + ConflictCopies.RECORD_MARK
              + ") holds the other device's version of what both changed: copy what you want"
              + " from it into the original with your address book or calendar, delete the copy,"
              + " then sync.");
    }
    return 0;
  }
}
