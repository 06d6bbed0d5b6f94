package dev.deltasync.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deltasync.engine.SyncResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code deltasync sync [COLLECTION...]}: one two-way sync. */
@Command(
    name = "sync",
    mixinStandardHelpOptions = true,
    description = {
      "One two-way sync of every (or the named) collection: local changes go to the store, the"
          + " other devices' changes come here; a file changed on two devices keeps both versions"
          + " (a conflict copy beside it). Exit code 0 when done. Progress goes to stderr: a bar"
          + " on a terminal, a line per phase otherwise."
    })
final class SyncCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec = CommandSpec.create();

  @ParentCommand @Nullable DeltasyncCommand parent;

  @Parameters(paramLabel = "COLLECTION", arity = "0..*", description = "default: all")
  List<String> collections = new ArrayList<>();

  @Option(names = "--json", description = "print one JSON object with what the sync did")
  boolean json;

  @Option(
      names = "--allow-mass-delete",
      description = "sync even when more than half of a collection's items were deleted")
  boolean allowMassDelete;

  @Option(
      names = "--quiet",
      description =
          "print errors and warnings only: no progress (on stderr) and no summary (on stdout)")
  boolean quiet;

  @Override
  public Integer call() throws IOException {
    Home home = parent == null ? Home.resolve(null) : parent.home();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    SyncCollectionsOperation.Result result = null;
    try (Progress progress = Progress.toStderr(err, quiet)) {
      result =
          new SyncCollectionsOperation(
                  new SyncCollectionsOperation.Options(
                      home, collections, allowMassDelete, progress::collection))
              .execute();
    } finally {
      AotTraining.finish(result); // when the launcher records this sync
    }
    for (Map.Entry<String, SyncResult> entry : result.collections().entrySet()) {
      for (String warning : entry.getValue().warnings()) {
        err.println("sync: " + entry.getKey() + ": " + warning);
      }
    }
    err.flush();
    if (json) {
      out.println(JSON.writeValueAsString(toJson(result)));
      return 0;
    }
    if (quiet) {
      return 0;
    }
    for (Map.Entry<String, SyncResult> entry : result.collections().entrySet()) {
      SyncResult r = entry.getValue();
      out.printf(
          "%s: sent %d, applied %d, conflicts %d, up %s, down %s, cursor %d%n",
          entry.getKey(),
          r.sent(),
          r.applied(),
          r.conflicts(),
          Bytes.format(r.bytesUp()),
          Bytes.format(r.bytesDown()),
          r.cursor());
      for (String copy : r.conflictCopies()) {
        out.println("  conflict copy: " + copy + " (see 'deltasync conflicts')");
      }
    }
    return 0;
  }

  static ObjectNode toJson(SyncCollectionsOperation.Result result) {
    ObjectNode root = JSON.createObjectNode();
    root.put("sent", result.sent());
    root.put("applied", result.applied());
    root.put("conflicts", result.conflicts());
    root.put("bytesUp", result.bytesUp());
    root.put("bytesDown", result.bytesDown());
    ObjectNode each = root.putObject("collections");
    for (Map.Entry<String, SyncResult> entry : result.collections().entrySet()) {
      SyncResult r = entry.getValue();
      ObjectNode node = each.putObject(entry.getKey());
      node.put("sent", r.sent());
      node.put("applied", r.applied());
      node.put("conflicts", r.conflicts());
      node.put("bytesUp", r.bytesUp());
      node.put("bytesDown", r.bytesDown());
      node.put("cursor", r.cursor());
      r.conflictCopies().forEach(node.putArray("conflictCopies")::add);
      r.warnings().forEach(node.putArray("warnings")::add);
    }
    return root;
  }
}
