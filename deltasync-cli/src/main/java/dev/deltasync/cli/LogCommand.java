package dev.deltasync.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deltasync.engine.store.LogEntry;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code deltasync log COLLECTION}: the change logs in the store. */
@Command(
    name = "log",
    mixinStandardHelpOptions = true,
    description =
        "The history of a collection's change logs in the store: sequence, device, time,"
            + " size.")
final class LogCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PAGE = 1000;

  @Spec CommandSpec spec = CommandSpec.create();

  @ParentCommand @Nullable DeltasyncCommand parent;

  @Parameters(index = "0", paramLabel = "COLLECTION", description = "the collection")
  String collection = "";

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Override
  public Integer call() throws IOException {
    Home home = parent == null ? Home.resolve(null) : parent.home();
    AddOperation.checkName(collection);
    HomeConfig config = home.config();
    List<LogEntry> logs = new ArrayList<>();
    try (StoreAccess access = StoreAccess.open(home, config)) {
      long after = 0;
      while (true) {
        List<LogEntry> page = access.store().list(collection, after, PAGE);
        logs.addAll(page);
        if (page.size() < PAGE) {
          break;
        }
        after = page.get(page.size() - 1).sequence();
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectNode root = JSON.createObjectNode();
      root.put("collection", collection);
      ArrayNode list = root.putArray("logs");
      for (LogEntry log : logs) {
        ObjectNode node = list.addObject();
        node.put("sequence", log.sequence());
        node.put("logId", HexFormat.of().formatHex(log.logId().toByteArray()));
        node.put("device", log.originDevice());
        node.put("time", Instant.ofEpochMilli(log.createdMillis()).toString());
        node.put("size", log.size());
      }
      out.println(JSON.writeValueAsString(root));
      return 0;
    }
    if (logs.isEmpty()) {
      out.println("collection \"" + collection + "\" has no change logs in " + config.store());
    }
    for (LogEntry log : logs) {
      out.printf(
          "%6d  %s  %-20s  %s%n",
          log.sequence(),
          Instant.ofEpochMilli(log.createdMillis()),
          log.originDevice(),
          Bytes.format(log.size()));
    }
    return 0;
  }
}
