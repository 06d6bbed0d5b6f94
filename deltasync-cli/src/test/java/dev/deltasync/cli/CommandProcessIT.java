package dev.deltasync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged command as a real process: stdin and stdout pipes, exit codes. Runs after {@code
 * package} (failsafe), on {@code target/deltasync.jar}.
 */
class CommandProcessIT {
  static final Path JAR = Path.of("target/deltasync.jar");
  static final Path GOLDEN = Path.of("../deltasync-format/src/test/resources/golden/v1");

  record Result(int exit, byte[] stdout, String stderr) {}

  static Result deltasync(byte[] stdin, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).start();
    process.getOutputStream().write(stdin);
    process.getOutputStream().close();
    byte[] stdout = process.getInputStream().readAllBytes();
    String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), stdout, stderr);
  }

  @Test
  void decodeAndEncodeThroughPipesRoundTripExactly() throws Exception {
    byte[] golden = Files.readAllBytes(GOLDEN.resolve("records.dslog"));
    Result decoded = deltasync(golden, "decode", "-");
    assertThat(decoded.exit()).as(decoded.stderr()).isZero();
    assertThat(new String(decoded.stdout(), StandardCharsets.UTF_8))
        .isEqualTo(Files.readString(GOLDEN.resolve("records.json"), StandardCharsets.UTF_8));
    Result encoded = deltasync(decoded.stdout(), "encode");
    assertThat(encoded.exit()).as(encoded.stderr()).isZero();
    assertThat(encoded.stdout()).isEqualTo(golden);
  }

  @Test
  void garbageOnStdinIsRefusedWithExitCode2() throws Exception {
    Result result = deltasync("hello".getBytes(StandardCharsets.UTF_8), "decode", "-");
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.stdout()).isEmpty();
    assertThat(result.stderr())
        .isEqualTo(
            "decode: not a deltasync change log: it starts with 68656c6c6f instead of 8944534c4f470d0a"
                + System.lineSeparator());
  }

  @Test
  void helpWorks() throws Exception {
    Result result = deltasync(new byte[0], "--help");
    assertThat(result.exit()).isZero();
    assertThat(new String(result.stdout(), StandardCharsets.UTF_8)).contains("Usage: deltasync");
    assertThat(result.stderr()).isEmpty();
  }
}
