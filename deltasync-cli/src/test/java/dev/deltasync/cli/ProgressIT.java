package dev.deltasync.cli;

import static dev.deltasync.cli.DeviceProcesses.run;
import static dev.deltasync.cli.DeviceProcesses.write;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code deltasync sync} shows of its progress when stderr is not a terminal. */
class ProgressIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path base;

  @Test
  void progressGoesToStderrAsPlainLinesNothingWhenQuietAndJsonStaysAlone() throws Exception {
    Path home = base.resolve("home");
    Path folder = base.resolve("folder");
    String h = home.toString();
    run("--home", h, "join", base.resolve("store").toString(), "--device", "a").succeeded();
    run("--home", h, "add", "docs", folder.toString()).succeeded();

    write(folder.resolve("one.txt"), "1".repeat(10_000));
    write(folder.resolve("sub/two.txt"), "2");
    DeviceProcesses.Run plain = run("--home", h, "sync").succeeded();
    assertThat(plain.stderr())
        .containsPattern("(?m)^sync docs: scanned \\d+ items, .+ in \\d+\\.\\d s$")
        .containsPattern("(?m)^sync docs: uploaded 3 of 3 changes, .+ in \\d+\\.\\d s$")
        .doesNotContain("\r");
    assertThat(plain.stdout()).startsWith("docs: sent 3,");

    write(folder.resolve("three.txt"), "3");
    DeviceProcesses.Run quiet = run("--home", h, "sync", "--quiet").succeeded();
    assertThat(quiet.stderr()).isEmpty();
    assertThat(quiet.stdout()).isEmpty();

    write(folder.resolve("four.txt"), "4");
    DeviceProcesses.Run json = run("--home", h, "sync", "--json").succeeded();
    assertThat(json.stderr()).contains("sync docs: scanned");
    try (MappingIterator<JsonNode> values =
        JSON.readerFor(JsonNode.class).readValues(json.stdout())) {
      List<JsonNode> all = values.readAll();
      assertThat(all).hasSize(1);
      assertThat(all.get(0).get("sent").asInt()).isEqualTo(1);
    }
  }
}
