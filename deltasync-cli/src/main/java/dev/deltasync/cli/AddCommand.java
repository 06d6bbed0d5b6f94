package dev.deltasync.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code deltasync add COLLECTION PATH}: binds a collection to local data. */
@Command(
    name = "add",
    mixinStandardHelpOptions = true,
    description = {
      "Binds a collection to local data on this device: a folder (created when only its last part"
          + " is missing). The next sync brings it in step with the other devices."
    })
final class AddCommand implements Callable<Integer> {
  @Spec CommandSpec spec = CommandSpec.create();

  @ParentCommand @Nullable DeltasyncCommand parent;

  @Parameters(index = "0", paramLabel = "COLLECTION", description = "the collection's name")
  String collection = "";

  @Parameters(index = "1", paramLabel = "PATH", description = "the local data")
  Path path = Path.of("");

  @Option(
      names = "--type",
      paramLabel = "TYPE",
      description =
          "folder; vcard (contacts: one .vcf file or a directory of them); ical (calendars: one"
              + " .ics file or a directory of them); default: ${DEFAULT-VALUE}",
      defaultValue = "folder")
  String type = "folder";

  @Override
  public Integer call() throws IOException {
    Home home = parent == null ? Home.resolve(null) : parent.home();
    AddOperation.Result result =
        new AddOperation(new AddOperation.Options(home, collection, path, type)).execute();
    spec.commandLine()
        .getOut()
        .println(
            (result.alreadyBound() ? "already bound: " : "bound: ")
                + "collection \""
                + collection
                + "\" to "
                + result.binding().type()
                + " "
                + result.binding().path());
    return 0;
  }
}
