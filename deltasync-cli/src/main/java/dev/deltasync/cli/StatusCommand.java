package dev.deltasync.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code deltasync status}: per collection, what this device knows. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Per collection: its local data, the store, the cursor (the last store sequence applied"
          + " here), the last sync and the conflict copies. Asks no server.",
      "Pending local changes are shown as unknown: only a sync scans for them."
    })
final class StatusCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec = CommandSpec.create();

  @ParentCommand @Nullable DeltasyncCommand parent;

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Override
  public Integer call() throws IOException {
    Home home = parent == null ? Home.resolve(null) : parent.home();
    StatusOperation.Result result =
        new StatusOperation(new StatusOperation.Options(home)).execute();
    HomeConfig config = result.config();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectNode root = JSON.createObjectNode();
      root.put("home", home.dir().toString());
      root.put("store", config.store().toString());
      root.put("user", config.user());
      root.put("device", config.device());
      ArrayNode list = root.putArray("collections");
      for (StatusOperation.CollectionStatus status : result.collections()) {
        ObjectNode node = list.addObject();
        node.put("name", status.name());
        node.put("type", status.binding().type());
        node.put("path", status.binding().path().toString());
        node.put("present", status.present());
        node.put("store", config.store().toString());
        node.put("cursor", status.cursor());
        node.putNull("pendingLocalChanges");
        LastSync last = status.lastSync();
        if (last == null) {
          node.putNull("lastSync");
        } else {
          node.put("lastSync", last.time().toString());
        }
        node.put("conflicts", status.conflicts().size());
      }
      out.println(JSON.writeValueAsString(root));
      return 0;
    }
    out.println(
        "home "
            + home.dir()
            + ": device \""
            + config.device()
            + "\" of user \""
            + config.user()
            + "\", store "
            + config.store());
    if (result.collections().isEmpty()) {
      out.println("no collection bound: deltasync add COLLECTION PATH");
    }
    for (StatusOperation.CollectionStatus status : result.collections()) {
      LastSync last = status.lastSync();
      out.println(status.name() + ":");
      out.println(
          "  path:      "
              + status.binding().path()
              + " ("
              + status.binding().type()
              + (status.present() ? ")" : ", NOT THERE)"));
      out.println("  store:     " + config.store());
      out.println("  cursor:    " + status.cursor());
      out.println("  pending:   unknown (a sync scans)");
      out.println("  last sync: " + (last == null ? "never" : last.time().toString()));
      out.println(
          "  conflicts: "
              + status.conflicts().size()
              + (status.conflicts().isEmpty() ? "" : " (see 'deltasync conflicts')"));
    }
    return 0;
  }
}
