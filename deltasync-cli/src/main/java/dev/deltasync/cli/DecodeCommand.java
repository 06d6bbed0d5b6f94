package dev.deltasync.cli;

import dev.deltasync.format.ChangeLog;
import dev.deltasync.format.ChangeLogJson;
import dev.deltasync.format.ChangeLogReader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code deltasync decode FILE}: prints a change log in its JSON form. */
@Command(
    name = "decode",
    mixinStandardHelpOptions = true,
    description = {
      "Prints a change log as JSON (the form docs/format.md describes).",
      "Everything is verified first: a damaged log is reported, not printed."
    })
final class DecodeCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FILE", description = "the change log; - reads stdin")
  @Nullable Path file;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "OUT",
      description = "write the JSON to OUT instead of stdout")
  @Nullable Path output;

  @Override
  public Integer call() throws IOException {
    Path in = file;
    ChangeLog log;
    if (in == null || in.toString().equals("-")) {
      log = ChangeLogReader.decode(new BufferedInputStream(System.in));
    } else {
      try (InputStream stream = new BufferedInputStream(Files.newInputStream(in))) {
        log = ChangeLogReader.decode(stream);
      }
    }
    byte[] json = ChangeLogJson.toJson(log).getBytes(StandardCharsets.UTF_8);
    Output.write(output, json, false);
    return 0;
  }
}
