package dev.deltasync.cli;

import dev.deltasync.format.ChangeLog;
import dev.deltasync.format.ChangeLogJson;
import dev.deltasync.format.ChangeLogWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code deltasync encode [FILE]}: turns the JSON form back into a binary change log. */
@Command(
    name = "encode",
    mixinStandardHelpOptions = true,
    description = {
      "Reads a change log in JSON form (as printed by decode) and writes the binary log.",
      "Counts, sizes and hashes in the header are computed; the rest is taken as written."
    })
final class EncodeCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "FILE",
      description = "the JSON; stdin when absent or -")
  @Nullable Path file;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "OUT",
      description = "write the log to OUT (atomically) instead of stdout")
  @Nullable Path output;

  @Override
  public Integer call() throws IOException {
    Path in = file;
    String json =
        in == null || in.toString().equals("-")
            ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
            : Files.readString(in, StandardCharsets.UTF_8);
    ChangeLog log = ChangeLogJson.fromJson(json);
    Output.write(output, ChangeLogWriter.encode(log), true);
    return 0;
  }
}
